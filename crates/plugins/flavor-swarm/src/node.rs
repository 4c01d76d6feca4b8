//! Reading swarm nodes (bollard's models, every field optional): role, state, reachability, address, link label.

use crate::link::LINK_LABEL;
use infrakit_docker::models::{Node, NodeState, Reachability};

/// The node's ID (empty when the engine sent none).
pub fn id(node: &Node) -> &str {
    node.id.as_deref().unwrap_or_default()
}

/// True when the node is a member of the managers' Raft group (it has a manager status).
pub fn is_manager(node: &Node) -> bool {
    node.manager_status.is_some()
}

/// True when the node's state is `ready`.
pub fn is_ready(node: &Node) -> bool {
    node.status.as_ref().and_then(|s| s.state) == Some(NodeState::READY)
}

/// True when the node's state is `down`.
pub fn is_down(node: &Node) -> bool {
    node.status.as_ref().and_then(|s| s.state) == Some(NodeState::DOWN)
}

/// True when the node is a manager the others reach.
pub fn is_reachable(node: &Node) -> bool {
    node.manager_status.as_ref().and_then(|m| m.reachability) == Some(Reachability::REACHABLE)
}

/// True when the node is the Raft leader.
pub fn is_leader(node: &Node) -> bool {
    node.manager_status.as_ref().and_then(|m| m.leader) == Some(true)
}

/// The node's address without a port: its manager address (`ip:2377`) when it is a manager, else the address
/// the managers see it at.
pub fn address(node: &Node) -> Option<String> {
    let manager = node.manager_status.as_ref().and_then(|m| m.addr.as_deref()).map(host_of);
    let seen = node.status.as_ref().and_then(|s| s.addr.as_deref());
    manager.or(seen).filter(|a| !a.is_empty() && *a != "0.0.0.0").map(str::to_string)
}

/// The link value its engine is labelled with.
pub fn link(node: &Node) -> Option<&str> {
    let engine = node.description.as_ref()?.engine.as_ref()?;
    engine.labels.as_ref()?.get(LINK_LABEL).map(String::as_str).filter(|v| !v.is_empty())
}

/// `addr` without its port: `10.0.0.1:2377` → `10.0.0.1`, `[::1]:2377` → `::1`, `10.0.0.1` unchanged.
pub fn host_of(addr: &str) -> &str {
    if let Some(rest) = addr.strip_prefix('[') {
        return rest.split_once(']').map_or(rest, |(h, _)| h);
    }
    match addr.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => addr,
    }
}

/// True when two addresses (logical IDs, node addresses) name the same host.
pub fn same_address(a: &str, b: &str) -> bool {
    match (a.parse::<std::net::IpAddr>(), b.parse::<std::net::IpAddr>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
pub(crate) mod fake {
    //! Nodes as a test builds them.
    use super::*;
    use infrakit_docker::models::{EngineDescription, ManagerStatus, NodeDescription, NodeStatus};

    /// A node `id` at `addr` in `state`; a manager when `reach` is given.
    pub fn node(id: &str, addr: &str, state: NodeState, reach: Option<Reachability>, link: &str) -> Node {
        let labels = [(LINK_LABEL.to_string(), link.to_string())].into_iter().collect();
        Node {
            id: Some(id.into()),
            status: Some(NodeStatus { state: Some(state), addr: Some(addr.into()), ..Default::default() }),
            manager_status: reach.map(|r| ManagerStatus {
                reachability: Some(r),
                addr: Some(format!("{addr}:2377")),
                leader: Some(false),
            }),
            description: Some(NodeDescription {
                engine: Some(EngineDescription { labels: Some(labels), ..Default::default() }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// The same node as the leader.
    pub fn leader(mut n: Node) -> Node {
        if let Some(m) = n.manager_status.as_mut() {
            m.leader = Some(true);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(host_of("10.0.0.1:2377"), "10.0.0.1");
        assert_eq!(host_of("[::1]:2377"), "::1");
        assert_eq!(host_of("10.0.0.1"), "10.0.0.1");
        assert_eq!(host_of("fe80::1"), "fe80::1");
        assert!(same_address("10.0.0.1", "10.0.0.1") && !same_address("10.0.0.1", "10.0.0.2"));
        let n = fake::node("a", "10.0.0.1", NodeState::READY, Some(Reachability::REACHABLE), "l");
        assert_eq!(address(&n).as_deref(), Some("10.0.0.1"));
        assert_eq!(link(&n), Some("l"));
        assert!(is_manager(&n) && is_ready(&n) && is_reachable(&n) && !is_leader(&n) && !is_down(&n));
    }
}
