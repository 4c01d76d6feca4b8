//! IPv4 subnets: a pet's fixed address must lie in its network's subnet.

use std::net::Ipv4Addr;

/// An IPv4 subnet, `a.b.c.d/n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    base: u32,
    prefix: u8,
}

impl Subnet {
    /// Parses `a.b.c.d/n`.
    pub fn parse(text: &str) -> Result<Subnet, String> {
        let (addr, prefix) = text.split_once('/').ok_or_else(|| format!("{text:?} is not an IPv4 subnet a.b.c.d/n"))?;
        let addr: Ipv4Addr = addr.parse().map_err(|_| format!("{text:?} is not an IPv4 subnet a.b.c.d/n"))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| *p <= 32)
            .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to 32"))?;
        Ok(Subnet { base: u32::from(addr) & mask(prefix), prefix })
    }

    /// True when `ip` lies in the subnet.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask(self.prefix) == self.base
    }
}

impl std::fmt::Display for Subnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets() {
        let s = Subnet::parse("198.18.0.0/24").expect("subnet");
        assert!(s.contains(Ipv4Addr::new(198, 18, 0, 5)));
        assert!(!s.contains(Ipv4Addr::new(198, 18, 1, 5)));
        assert_eq!(Subnet::parse("198.18.3.7/16").map(|s| s.to_string()).ok().as_deref(), Some("198.18.0.0/16"));
        assert!(Subnet::parse("0.0.0.0/0").is_ok_and(|s| s.contains(Ipv4Addr::new(1, 2, 3, 4))));
        assert!(Subnet::parse("198.18.0.0").is_err());
        assert!(Subnet::parse("198.18.0.0/33").is_err());
        assert!(Subnet::parse("fd00::/64").is_err());
    }
}
