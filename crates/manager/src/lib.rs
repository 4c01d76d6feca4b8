//! The manager: several replicas run, one per manager node; only the one on the current leader acts.
//!
//! - [`leader_always`]: the single replica that always leads (`infrakit up`, `plugin start group`);
//! - [`leader_file`]: leadership from a file that names the leader (watched with inotify);
//! - [`store_file`]: group specs with their history in a directory (atomic writes, fsync); [`store_memory`]: the
//!   same in memory;
//! - [`state_file`]: what group controllers keep across restarts (rollouts, in-flight records) in a directory
//!   (atomic writes, fsync, off the runtime); [`state_memory`]: the same in memory;
//! - `store_swarm` and `state_swarm` (the `docker` feature): both in the Docker Swarm's cluster spec labels, the
//!   specs as InfraKit v0.5's swarm store kept them (label `infrakit`), so every swarm manager carries them;
//! - [`open`]: leadership and store URLs (`file://`, `swarm://`, `etcd...://`, `memory://`) to backends;
//! - [`replica`]: the replica that fronts the group controller: specs are validated, stored, then committed; on
//!   becoming leader it loads every spec (and the controller resumes stored rollouts); on losing it, it stops acting.
//!   A follower answers calls that need the leader with an error naming the leader, never by hanging (a replica
//!   started a moment ago first waits, a few seconds at most, to learn who leads).

pub mod leader_always;
pub mod leader_file;
#[cfg(feature = "docker")]
pub mod leader_swarm;
pub mod open;
pub mod polled;
pub mod replica;
pub mod state_file;
pub mod state_memory;
#[cfg(feature = "docker")]
pub mod state_swarm;
pub mod store_file;
pub mod store_memory;
#[cfg(feature = "docker")]
pub mod store_swarm;

#[cfg(feature = "etcd")]
pub mod etcd;
