//! The manager: several replicas run, one per manager node; only the one on the current leader acts.
//!
//! - [`leader_file`]: leadership from a file that names the leader (watched with inotify);
//! - [`store_file`]: group specs with their history in a directory (atomic writes, fsync);
//! - [`open`]: leadership and store URLs (`file://`, `swarm://`, `etcd...://`) to backends;
//! - [`replica`]: the replica that fronts the group controller: specs are validated, stored, then committed; on
//!   becoming leader it loads every spec (and the controller resumes stored rollouts); on losing it, it stops acting.
//!   A follower answers calls that need the leader with an error naming the leader, never by hanging.

pub mod leader_file;
pub mod leader_swarm;
pub mod open;
pub mod polled;
pub mod replica;
pub mod store_file;

#[cfg(feature = "etcd")]
pub mod etcd;
