//! Checking the names a template uses against a context, before rendering,
//! so every misspelt name is reported at once with the closest known one.
//!
//! Loop variables are followed: in `{% for dv in theo_don_vi %}`, the name
//! `dv.ten` is checked against the elements of `theo_don_vi`. A name the
//! check cannot see through (a value that is none, a loop over a filter's
//! result) is left to the render.

use std::collections::{BTreeSet, HashMap};

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, ErrorKind};

use super::blocks::{Keyword, keyword};
use super::error::Fault;
use super::expr::{NameUse, Token, lex, usage};
use super::tags::{FoundTag, TagKind};

/// Values looked at per name: enough to check lists of units, bounded so
/// nested loops cannot blow up.
const SAMPLE: usize = 512;

/// What a local name stands for.
#[derive(Clone)]
enum Binding {
    /// The possible values (a loop variable has one per element).
    Values(Vec<Value>),
    /// Cannot be checked.
    Unknown,
}

struct Frame {
    vars: HashMap<String, Binding>,
}

/// Where checks look names up.
pub(crate) struct Checker<'a> {
    ctx: &'a Value,
    /// Environment to check filters, tests and functions; without it only
    /// names are checked.
    env: Option<&'a Environment<'a>>,
    globals: BTreeSet<String>,
    frames: Vec<Frame>,
    problems: Vec<(usize, Fault)>,
}

enum Resolved {
    Found(Vec<Value>),
    Unknown,
    /// The segment at this depth is missing; the known keys there.
    Missing(usize, BTreeSet<String>),
}

fn keys(value: &Value) -> impl Iterator<Item = String> {
    value
        .try_iter()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().map(str::to_string))
}

/// Follows `segs` from `values`.
fn walk(mut values: Vec<Value>, segs: &[String]) -> Resolved {
    for (depth, seg) in segs.iter().enumerate() {
        let mut next = Vec::new();
        let mut known = BTreeSet::new();
        let mut checkable = false;
        for value in &values {
            let found = value.get_attr(seg).ok().filter(|v| !v.is_undefined());
            match (value.kind(), found) {
                (_, Some(v)) => next.push(v),
                (ValueKind::Map, None) => {
                    checkable = true;
                    known.extend(keys(value));
                }
                _ => {}
            }
        }
        if next.is_empty() {
            return if checkable {
                Resolved::Missing(depth, known)
            } else {
                Resolved::Unknown
            };
        }
        next.truncate(SAMPLE);
        values = next;
    }
    Resolved::Found(values)
}

/// The known name closest to `name`, if close enough to be a typo: the
/// Levenshtein distance (in characters, ignoring case) at most a third of
/// the name's length; of names as close, the smallest.
pub(crate) fn closest<'k>(name: &str, known: impl IntoIterator<Item = &'k str>) -> Option<String> {
    let limit = (name.chars().count().div_ceil(3)).max(1);
    let name = name.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(&name, &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k.to_string())
}

fn kind_name(kind: ValueKind) -> Option<&'static str> {
    match kind {
        ValueKind::Number => Some("một số"),
        ValueKind::String => Some("một chuỗi chữ"),
        ValueKind::Bool => Some("một giá trị đúng/sai"),
        ValueKind::Bytes => Some("dữ liệu nhị phân"),
        _ => None,
    }
}

/// Splits `tokens` at the first identifier `word` outside brackets.
fn split_at_word<'t>(tokens: &'t [Token], words: &[&str]) -> (&'t [Token], &'t [Token]) {
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Punct("(" | "[" | "{") => depth += 1,
            Token::Punct(")" | "]" | "}") => depth -= 1,
            Token::Ident(w) if depth == 0 && words.contains(&w.as_str()) => {
                return (
                    tokens.get(..i).unwrap_or_default(),
                    tokens.get(i + 1..).unwrap_or_default(),
                );
            }
            _ => {}
        }
    }
    (tokens, &[])
}

/// The names bound by a `for` or `set` target such as `a` or `(k, v)`.
fn targets(tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Ident(w) => Some(w.clone()),
            _ => None,
        })
        .collect()
}

/// Whether a chain of filters (`| sort(…) | reverse`) keeps the elements
/// of the list it is given, only choosing or ordering them.
fn keeps_elements(filters: &[Token]) -> bool {
    const KEEPING: [&str; 8] = [
        "sort",
        "reverse",
        "list",
        "unique",
        "select",
        "reject",
        "selectattr",
        "rejectattr",
    ];
    let mut depth = 0i32;
    let mut after_bar = false;
    for t in filters {
        match t {
            Token::Punct("(" | "[" | "{") => depth += 1,
            Token::Punct(")" | "]" | "}") => depth -= 1,
            Token::Punct("|") if depth == 0 => after_bar = true,
            Token::Ident(name) if after_bar => {
                if !KEEPING.contains(&name.as_str()) {
                    return false;
                }
                after_bar = false;
            }
            _ if depth == 0 => return false,
            _ => {}
        }
    }
    true
}

/// A plain dotted path, such as `xa.tiep_nhan`.
fn simple_path(tokens: &[Token]) -> Option<Vec<String>> {
    let mut path = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match (i % 2, t) {
            (0, Token::Ident(w)) => path.push(w.clone()),
            (1, Token::Punct(".")) => {}
            _ => return None,
        }
    }
    (!path.is_empty() && tokens.len() % 2 == 1).then_some(path)
}

impl<'a> Checker<'a> {
    pub fn new(ctx: &'a Value, env: Option<&'a Environment<'a>>) -> Checker<'a> {
        let globals = env
            .map(|env| env.globals().map(|(name, _)| name.to_string()).collect())
            .unwrap_or_default();
        Checker {
            ctx,
            env,
            globals,
            frames: vec![Frame {
                vars: HashMap::new(),
            }],
            problems: Vec::new(),
        }
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.frames.iter().rev().find_map(|f| f.vars.get(name))
    }

    fn report(&mut self, paragraph: usize, fault: Fault) {
        let item = (paragraph, fault);
        if !self.problems.contains(&item) {
            self.problems.push(item);
        }
    }

    /// Resolves a name; reports it when missing.
    fn resolve(&mut self, paragraph: usize, name: &NameUse) -> Resolved {
        let Some(first) = name.path.first() else {
            return Resolved::Unknown;
        };
        let resolved = match self.lookup(first) {
            Some(Binding::Unknown) => return Resolved::Unknown,
            Some(Binding::Values(values)) => {
                match walk(values.clone(), name.path.get(1..).unwrap_or_default()) {
                    Resolved::Missing(depth, known) => Resolved::Missing(depth + 1, known),
                    other => other,
                }
            }
            None if self.globals.contains(first) => return Resolved::Unknown,
            None => {
                let resolved = walk(vec![self.ctx.clone()], &name.path);
                match resolved {
                    Resolved::Missing(0, mut known) => {
                        for frame in &self.frames {
                            known.extend(frame.vars.keys().cloned());
                        }
                        Resolved::Missing(0, known)
                    }
                    other => other,
                }
            }
        };
        if let Resolved::Missing(depth, known) = &resolved
            && !name.guarded
        {
            let missing = name
                .path
                .get(*depth)
                .map(String::as_str)
                .unwrap_or_default();
            let prefix = name.path.get(..*depth).unwrap_or_default().join(".");
            let join = |s: &str| {
                if prefix.is_empty() {
                    s.to_string()
                } else {
                    format!("{prefix}.{s}")
                }
            };
            let suggestion = closest(missing, known.iter().map(String::as_str)).map(|s| join(&s));
            self.report(
                paragraph,
                Fault::UnknownName {
                    name: join(missing),
                    suggestion,
                },
            );
        }
        resolved
    }

    /// Checks everything an expression uses.
    fn expression(&mut self, paragraph: usize, tokens: &[Token]) {
        let used = usage(tokens);
        for name in &used.names {
            self.resolve(paragraph, name);
        }
        let Some(env) = self.env else { return };
        let mut state = env.empty_state();
        for filter in used.filters {
            // Calling with no arguments only tells whether the filter exists.
            if let Err(e) = state.apply_filter(&filter, &[])
                && e.kind() == ErrorKind::UnknownFilter
            {
                self.report(
                    paragraph,
                    Fault::UnknownFilter {
                        name: filter,
                        suggestion: None,
                    },
                );
            }
        }
        for test in used.tests {
            if let Err(e) = state.perform_test(&test, &[])
                && e.kind() == ErrorKind::UnknownTest
            {
                self.report(
                    paragraph,
                    Fault::UnknownTest {
                        name: test,
                        suggestion: None,
                    },
                );
            }
        }
        for function in used.functions {
            let known = self.globals.contains(&function)
                || self.lookup(&function).is_some()
                || self
                    .ctx
                    .get_attr(&function)
                    .is_ok_and(|v| !v.is_undefined());
            if !known {
                let suggestion = closest(&function, self.globals.iter().map(String::as_str));
                self.report(
                    paragraph,
                    Fault::UnknownFunction {
                        name: function,
                        suggestion,
                    },
                );
            }
        }
    }

    /// The elements a loop runs over, or a fault if it cannot run.
    fn elements(&mut self, paragraph: usize, tokens: &[Token]) -> Binding {
        // `xs | sort(attribute="ten")` has the elements of `xs`.
        let (head, filtered) = match tokens.iter().position(|t| *t == Token::Punct("|")) {
            Some(at) => (tokens.get(..at).unwrap_or_default(), true),
            None => (tokens, false),
        };
        if filtered && !keeps_elements(tokens.get(head.len()..).unwrap_or_default()) {
            return Binding::Unknown;
        }
        let Some(path) = simple_path(head) else {
            return Binding::Unknown;
        };
        let name = NameUse {
            path: path.clone(),
            guarded: false,
        };
        let Resolved::Found(values) = self.resolve(paragraph, &name) else {
            return Binding::Unknown;
        };
        let mut elements = Vec::new();
        let mut iterable = false;
        let mut wrong = None;
        for value in &values {
            match value.kind() {
                ValueKind::Seq | ValueKind::Iterable => {
                    iterable = true;
                    if let Ok(iter) = value.try_iter() {
                        elements.extend(iter.take(SAMPLE));
                    }
                }
                ValueKind::Map => return Binding::Unknown,
                kind => wrong = wrong.or(kind_name(kind)),
            }
        }
        if let (false, false, Some(kind)) = (filtered, iterable, wrong) {
            self.report(
                paragraph,
                Fault::NotIterable {
                    name: path.join("."),
                    kind: kind.to_string(),
                },
            );
        }
        elements.truncate(SAMPLE);
        if elements.is_empty() {
            Binding::Unknown
        } else {
            Binding::Values(elements)
        }
    }

    /// Checks one tag, in document order.
    pub fn tag(&mut self, tag: &FoundTag) {
        let p = tag.paragraph;
        if tag.kind == TagKind::Expr {
            self.expression(p, &lex(&tag.inner));
            return;
        }
        let tokens = lex(tag.statement());
        let rest = tokens.get(1..).unwrap_or_default();
        match keyword(tag) {
            Some(Keyword::For) => {
                let (target, rest) = split_at_word(rest, &["in"]);
                let (iterable, condition) = split_at_word(rest, &["if", "recursive"]);
                self.expression(p, iterable);
                let element = self.elements(p, iterable);
                let names = targets(target);
                let mut vars = HashMap::new();
                vars.insert("loop".to_string(), Binding::Unknown);
                for name in &names {
                    let binding = if names.len() == 1 {
                        element.clone()
                    } else {
                        Binding::Unknown
                    };
                    vars.insert(name.clone(), binding);
                }
                self.frames.push(Frame { vars });
                self.expression(p, condition);
            }
            Some(Keyword::EndFor) => {
                if self.frames.len() > 1 {
                    self.frames.pop();
                }
            }
            Some(Keyword::If | Keyword::Elif) => self.expression(p, rest),
            Some(Keyword::Set) => {
                let at = rest.iter().position(|t| *t == Token::Punct("="));
                let (target, value) = match at {
                    Some(at) => (
                        rest.get(..at).unwrap_or_default(),
                        rest.get(at + 1..).unwrap_or_default(),
                    ),
                    None => (rest, &[][..]),
                };
                self.expression(p, value);
                let names = targets(target);
                let binding = match (names.len(), simple_path(value)) {
                    (1, Some(path)) => match self.resolve(
                        p,
                        &NameUse {
                            path,
                            guarded: true,
                        },
                    ) {
                        Resolved::Found(values) => Binding::Values(values),
                        _ => Binding::Unknown,
                    },
                    _ => Binding::Unknown,
                };
                // `set ns.x = …` assigns an attribute, binding nothing.
                if !target.contains(&Token::Punct(".")) {
                    for name in names {
                        if let Some(frame) = self.frames.last_mut() {
                            frame.vars.insert(name, binding.clone());
                        }
                    }
                }
            }
            Some(Keyword::Else | Keyword::EndIf) | None => {}
        }
    }

    /// The faults found, with their paragraphs.
    pub fn finish(self) -> Vec<(usize, Fault)> {
        self.problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn tag(kind: TagKind, source: &str) -> FoundTag {
        FoundTag {
            paragraph: 0,
            node: 0,
            span: 0..source.len(),
            kind,
            source: source.to_string(),
            inner: source
                .get(2..source.len() - 2)
                .unwrap_or_default()
                .to_string(),
        }
    }

    fn ctx() -> Value {
        context! {
            xa => context! { tiep_nhan => context! { tong => 3, truc_tuyen => 1 } },
            tinh => (),
            theo_don_vi => vec![
                context! { ten => "A", so => 1 },
                context! { ten => "B", so => 2, ghi_chu => "x" },
            ],
            so_lieu => 5,
        }
    }

    fn check(tags: &[(TagKind, &str)], env: Option<&Environment<'_>>) -> Vec<String> {
        let ctx = ctx();
        let mut checker = Checker::new(&ctx, env);
        for (kind, source) in tags {
            checker.tag(&tag(*kind, source));
        }
        checker
            .finish()
            .iter()
            .map(|(_, f)| f.to_string())
            .collect()
    }

    use TagKind::{Block, Expr};

    #[test]
    fn suggests_the_closest_name() {
        assert_eq!(
            check(&[(Expr, "{{ xa.tiep_nhan.tongg | so }}")], None),
            vec!["không có tên 'xa.tiep_nhan.tongg' — có phải 'xa.tiep_nhan.tong'?"]
        );
        assert_eq!(
            check(&[(Expr, "{{ xa.tiep_nhn.tong }}")], None),
            vec!["không có tên 'xa.tiep_nhn' — có phải 'xa.tiep_nhan'?"]
        );
        assert_eq!(
            check(&[(Expr, "{{ hoan_toan_khac }}")], None),
            vec!["không có tên 'hoan_toan_khac'"]
        );
        // None values and guarded names are not checked.
        assert!(
            check(
                &[(Expr, "{{ tinh.x.y }}"), (Expr, "{{ q is defined }}")],
                None
            )
            .is_empty()
        );
    }

    #[test]
    fn follows_loop_and_set_variables() {
        let tags = [
            (Block, "{% for dv in theo_don_vi %}"),
            (Expr, "{{ dv.ten }} {{ dv.ghi_chu }} {{ loop.index }}"),
            (Expr, "{{ dv.tenn }}"),
            (Block, "{% endfor %}"),
            (Expr, "{{ dv }}"),
            (Block, "{% set t = xa.tiep_nhan %}"),
            (Expr, "{{ t.tong }} {{ t.tongg }}"),
        ];
        assert_eq!(
            check(&tags, None),
            vec![
                "không có tên 'dv.tenn' — có phải 'dv.ten'?",
                "không có tên 'dv'",
                "không có tên 't.tongg' — có phải 't.tong'?",
            ]
        );
    }

    #[test]
    fn loops_over_sorted_lists_keep_their_elements() {
        let tags = [
            (
                Block,
                "{% for dv in theo_don_vi | sort(attribute='ten') | reverse %}",
            ),
            (Expr, "{{ dv.tenn }}"),
            (Block, "{% endfor %}"),
            (Block, "{% for c in theo_don_vi | batch(2) %}"),
            (Expr, "{{ c.whatever }}"),
            (Block, "{% endfor %}"),
        ];
        assert_eq!(
            check(&tags, None),
            vec!["không có tên 'dv.tenn' — có phải 'dv.ten'?"]
        );
    }

    #[test]
    fn loop_over_a_number() {
        assert_eq!(
            check(
                &[(Block, "{% for x in so_lieu %}"), (Block, "{% endfor %}")],
                None
            ),
            vec!["không lặp được trên 'so_lieu': đó là một số, không phải danh sách"]
        );
    }

    #[test]
    fn filters_tests_and_functions_need_the_environment() {
        let mut env = Environment::new();
        env.add_filter("so", |v: Value| v);
        let tags = [(
            Expr,
            "{{ xa.tiep_nhan.tong | so | khong_co }} {{ rangee(3) }} {{ range(2) }} {{ 1 is odd }} {{ 1 is lam }}",
        )];
        assert_eq!(
            check(&tags, Some(&env)),
            vec![
                "không có bộ lọc 'khong_co'",
                "không có phép thử 'lam'",
                "không có hàm 'rangee' — có phải 'range'?",
            ]
        );
        assert!(check(&tags, None).is_empty());
    }

    #[test]
    fn closest_needs_a_near_name() {
        assert_eq!(
            closest("tongg", ["tong", "truc_tuyen"]),
            Some("tong".into())
        );
        assert_eq!(closest("abc", ["xyz"]), None);
    }
}
