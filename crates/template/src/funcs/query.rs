//! InfraKit v0.5's `q EXPR OBJ`: a JMESPath query (`QueryObject` in `pkg/template/funcs.go`, which uses
//! `go-jmespath`), here with the `jmespath` crate, which passes the same JMESPath compliance suite.

use serde_json::Value;

use super::{plain, str_arg, want, FuncMap};

/// Runs the JMESPath expression `expr` on `target`.
pub(crate) fn query(expr: &str, target: &Value) -> Result<Value, String> {
    let compiled = jmespath::compile(expr).map_err(|e| format!("bad JMESPath expression {expr:?}: {e}"))?;
    let data = jmespath::Variable::try_from(target).map_err(|e| e.to_string())?;
    let found = compiled.search(data).map_err(|e| format!("JMESPath {expr:?} failed: {e}"))?;
    serde_json::to_value(&*found).map_err(|e| e.to_string())
}

pub(super) fn register(m: &mut FuncMap) {
    plain(m, &["q"], |a| {
        want(a, 2)?;
        query(str_arg(a, 0)?, &a[1])
    });
}
