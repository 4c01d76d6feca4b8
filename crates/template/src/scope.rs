//! Globals: each rendered template has a scope; `var`/`global` writes go to it and to every ancestor.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

/// The globals of one rendered template, its `def` defaults, and the scope writes propagate to.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    globals: RefCell<BTreeMap<String, Value>>,
    defaults: RefCell<BTreeMap<String, Value>>,
    parent: Option<Rc<Scope>>,
}

impl Scope {
    /// A root scope with initial globals.
    pub(crate) fn root(globals: BTreeMap<String, Value>) -> Rc<Scope> {
        Rc::new(Scope { globals: RefCell::new(globals), ..Scope::default() })
    }

    /// A new scope starting with a copy of these globals; writes propagate to `parent` (and its ancestors).
    pub(crate) fn fork(&self, parent: Option<Rc<Scope>>) -> Rc<Scope> {
        Rc::new(Scope { globals: RefCell::new(self.globals.borrow().clone()), defaults: RefCell::default(), parent })
    }

    /// Reads a global.
    pub(crate) fn get(&self, name: &str) -> Option<Value> {
        self.globals.borrow().get(name).cloned()
    }

    /// Sets a global here and in every ancestor.
    pub(crate) fn set(&self, name: &str, value: Value) {
        let mut next = self.parent.clone();
        while let Some(s) = next {
            s.globals.borrow_mut().insert(name.to_string(), value.clone());
            next = s.parent.clone();
        }
        self.globals.borrow_mut().insert(name.to_string(), value);
    }

    /// Records a default (`def`); false if this scope already has one with that name.
    pub(crate) fn define(&self, name: &str, value: Value) -> bool {
        let mut d = self.defaults.borrow_mut();
        if d.contains_key(name) {
            return false;
        }
        d.insert(name.to_string(), value);
        true
    }

    /// A global, else a default (`ref`).
    pub(crate) fn reference(&self, name: &str) -> Option<Value> {
        self.get(name).or_else(|| self.defaults.borrow().get(name).cloned())
    }
}
