//! The parse tree. Positions are byte offsets into the template text.

use std::collections::BTreeMap;
use std::sync::Arc;

/// A sequence of nodes.
pub(crate) type List = Vec<Node>;

/// A node of a template body.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Literal text.
    Text(String),
    /// `{{pipeline}}`: printed unless it declares variables.
    Action(Pipe),
    /// `{{if}}`.
    If(Branch),
    /// `{{range}}`.
    Range(Branch),
    /// `{{with}}`.
    With(Branch),
    /// `{{template "name" pipeline}}`.
    Template { pos: usize, name: String, pipe: Option<Pipe> },
    /// `{{break}}`.
    Break,
    /// `{{continue}}`.
    Continue,
}

/// The shared shape of `if`, `range` and `with`.
#[derive(Debug, Clone)]
pub(crate) struct Branch {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

/// A pipeline, with optional variable declarations (`$x :=`) or assignments (`$x =`).
#[derive(Debug, Clone)]
pub(crate) struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<String>,
    pub cmds: Vec<Cmd>,
}

/// One stage of a pipeline: a function or value and its arguments.
#[derive(Debug, Clone)]
pub(crate) struct Cmd {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// An operand and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Arg {
    pub pos: usize,
    pub kind: ArgKind,
}

/// The kinds of operands.
#[derive(Debug, Clone)]
pub(crate) enum ArgKind {
    Dot,
    Nil,
    Bool(bool),
    Str(String),
    Num(Num),
    /// `.A.B`
    Field(Vec<String>),
    /// `$x.A.B` (the name with its `$`, then fields).
    Var(String, Vec<String>),
    /// A function name.
    Ident(String),
    /// `(pipeline)`.
    Pipe(Box<Pipe>),
    /// `(pipeline).A.B` or similar: a term followed by fields.
    Chain(Box<Arg>, Vec<String>),
}

/// A numeric literal: an integer if it is written as one, else a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Uint(u64),
    Float(f64),
}

/// The parsed templates of one source: the main body and the `define`d ones.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub main: List,
    pub defines: BTreeMap<String, Arc<List>>,
}

impl ArgKind {
    /// How the operand reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            ArgKind::Dot => ".".into(),
            ArgKind::Nil => "nil".into(),
            ArgKind::Bool(b) => b.to_string(),
            ArgKind::Str(s) => format!("{s:?}"),
            ArgKind::Num(Num::Int(i)) => i.to_string(),
            ArgKind::Num(Num::Uint(u)) => u.to_string(),
            ArgKind::Num(Num::Float(f)) => f.to_string(),
            ArgKind::Field(f) => format!(".{}", f.join(".")),
            ArgKind::Var(v, f) if f.is_empty() => v.clone(),
            ArgKind::Var(v, f) => format!("{v}.{}", f.join(".")),
            ArgKind::Ident(i) => i.clone(),
            ArgKind::Pipe(_) => "(pipeline)".into(),
            ArgKind::Chain(a, f) => format!("{}.{}", a.kind.describe(), f.join(".")),
        }
    }
}
