//! Method tables: each interface's method names, written once (as the variants of an enum made by the
//! crate's `method_table!` macro) and used both by the service that dispatches them and by the client that calls them.

use infrakit_spi::plugin::versions::Interface;

/// One interface's methods (the part of `Interface.Method` after the dot).
pub trait MethodTable: Copy + Send + Sync + 'static {
    /// The interface the methods belong to (from `infrakit_spi::plugin::versions`).
    const INTERFACE: Interface;
    /// True when the methods extend an interface that another table defines: a service of such a table adds
    /// methods to that interface and is not listed as an interface of its own.
    const EXTENSION: bool;
    /// Every method, in declaration order.
    const ALL: &'static [Self];
    /// Every method's name, in the same order.
    const NAMES: &'static [&'static str];

    /// The method's name, after the dot.
    fn name(self) -> &'static str;

    /// The method called `name`, when the table has it.
    fn parse(name: &str) -> Option<Self> {
        let at = Self::NAMES.iter().position(|n| *n == name)?;
        Self::ALL.get(at).copied()
    }

    /// `Interface.Method`, as sent on the wire.
    fn wire_name(self) -> String {
        format!("{}.{}", Self::INTERFACE.name, self.name())
    }
}

/// Declares an interface's method table: `enum Method for INTERFACE { A, B }` for an interface's own methods,
/// `enum Method extends INTERFACE { C }` for extension methods of an interface another table defines. Each
/// variant's name is the method's name on the wire.
macro_rules! method_table {
    ($(#[$meta:meta])* $vis:vis enum $name:ident for $iface:path { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $crate::methods::method_table!(@table $(#[$meta])* $vis $name, $iface, false, $($(#[$vmeta])* $variant),+);
    };
    ($(#[$meta:meta])* $vis:vis enum $name:ident extends $iface:path { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $crate::methods::method_table!(@table $(#[$meta])* $vis $name, $iface, true, $($(#[$vmeta])* $variant),+);
    };
    (@table $(#[$meta:meta])* $vis:vis $name:ident, $iface:path, $ext:literal, $($(#[$vmeta:meta])* $variant:ident),+) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $crate::methods::MethodTable for $name {
            const INTERFACE: infrakit_spi::plugin::versions::Interface = $iface;
            const EXTENSION: bool = $ext;
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const NAMES: &'static [&'static str] = &[$(stringify!($variant)),+];

            fn name(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant)),+
                }
            }
        }
    };
}

pub(crate) use method_table;
