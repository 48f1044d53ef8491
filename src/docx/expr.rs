//! A small lexer for the expressions inside tags, to list the names,
//! filters, tests and functions a tag uses.
//!
//! minijinja checks syntax; this only needs to be right on well-formed
//! expressions, and harmless on others (it never fails).

/// A token of a Jinja expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Ident(String),
    Str(String),
    Number,
    Punct(&'static str),
    /// Any other character.
    Other,
}

/// Longest first, so `==` is not read as two `=`.
const PUNCTS: &[&str] = &[
    "==", "!=", "<=", ">=", "//", "**", ".", "|", "(", ")", "[", "]", "{", "}", ",", ":", "=", "+",
    "-", "*", "/", "%", "~", "<", ">",
];

/// Splits an expression into tokens.
pub(crate) fn lex(src: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut ident = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    ident.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            tokens.push(Token::Ident(ident));
        } else if c.is_ascii_digit() {
            while let Some(&(_, c)) = chars.peek() {
                if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                    chars.next();
                } else {
                    break;
                }
            }
            tokens.push(Token::Number);
        } else if c == '"' || c == '\'' {
            chars.next();
            let mut value = String::new();
            let mut escaped = false;
            for (_, d) in chars.by_ref() {
                if escaped {
                    value.push(d);
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == c {
                    break;
                } else {
                    value.push(d);
                }
            }
            tokens.push(Token::Str(value));
        } else {
            let rest = src.get(i..).unwrap_or_default();
            match PUNCTS.iter().find(|p| rest.starts_with(**p)) {
                Some(p) => {
                    for _ in 0..p.chars().count() {
                        chars.next();
                    }
                    tokens.push(Token::Punct(p));
                }
                None => {
                    chars.next();
                    tokens.push(Token::Other);
                }
            }
        }
    }
    tokens
}

/// Words that are not names.
const KEYWORDS: [&str; 14] = [
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "recursive",
];

/// A dotted name used by an expression, e.g. `xa.tiep_nhan.tong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameUse {
    pub path: Vec<String>,
    /// Tested with `is defined` or given a `default`: may be missing.
    pub guarded: bool,
}

/// What an expression uses.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    pub names: Vec<NameUse>,
    pub filters: Vec<String>,
    pub tests: Vec<String>,
    pub functions: Vec<String>,
}

fn ident(tokens: &[Token], i: usize) -> Option<&str> {
    match tokens.get(i) {
        Some(Token::Ident(s)) => Some(s),
        _ => None,
    }
}

fn punct(tokens: &[Token], i: usize) -> Option<&'static str> {
    match tokens.get(i) {
        Some(Token::Punct(p)) => Some(p),
        _ => None,
    }
}

/// Lists the names, filters, tests and functions of an expression.
pub(crate) fn usage(tokens: &[Token]) -> Usage {
    let mut usage = Usage::default();
    let mut i = 0;
    while i < tokens.len() {
        let Some(name) = ident(tokens, i) else {
            i += 1;
            continue;
        };
        let prev = i.checked_sub(1).and_then(|j| tokens.get(j));
        let after_is = matches!(prev, Some(Token::Ident(w)) if w == "is")
            || (matches!(prev, Some(Token::Ident(w)) if w == "not")
                && i >= 2
                && ident(tokens, i - 2) == Some("is"));
        if KEYWORDS.contains(&name) {
            i += 1;
        } else if prev == Some(&Token::Punct("|")) {
            usage.filters.push(name.to_string());
            i += 1;
        } else if after_is {
            usage.tests.push(name.to_string());
            i += 1;
        } else if prev == Some(&Token::Punct(".")) || punct(tokens, i + 1) == Some("=") {
            // An attribute of something that is not a name, or a keyword
            // argument.
            i += 1;
        } else {
            let mut path = vec![name.to_string()];
            let mut j = i + 1;
            loop {
                match (punct(tokens, j), tokens.get(j + 1), punct(tokens, j + 2)) {
                    (Some("."), Some(Token::Ident(seg)), _) => {
                        path.push(seg.clone());
                        j += 2;
                    }
                    (Some("["), Some(Token::Str(seg)), Some("]")) => {
                        path.push(seg.clone());
                        j += 3;
                    }
                    _ => break,
                }
            }
            if punct(tokens, j) == Some("(") {
                if path.len() == 1 {
                    usage.functions.push(name.to_string());
                    i = j;
                    continue;
                }
                // A method call: the object is the name.
                path.pop();
            }
            let guarded = match (tokens.get(j), ident(tokens, j + 1), ident(tokens, j + 2)) {
                (Some(Token::Punct("|")), Some("default" | "d"), _) => true,
                (Some(Token::Ident(is)), Some("defined" | "undefined"), _) if is == "is" => true,
                (Some(Token::Ident(is)), Some("not"), Some("defined" | "undefined"))
                    if is == "is" =>
                {
                    true
                }
                _ => false,
            };
            usage.names.push(NameUse { path, guarded });
            i = j;
        }
    }
    usage
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<String> {
        usage(&lex(src))
            .names
            .iter()
            .map(|n| n.path.join("."))
            .collect()
    }

    #[test]
    fn finds_names_filters_tests_functions() {
        let u = usage(&lex(
            "xa.tiep_nhan.tong | so + f(a, k=b) if c is not even else d['x'].y|round(2)",
        ));
        let found: Vec<String> = u.names.iter().map(|n| n.path.join(".")).collect();
        assert_eq!(found, vec!["xa.tiep_nhan.tong", "a", "b", "c", "d.x.y"]);
        assert_eq!(u.filters, vec!["so", "round"]);
        assert_eq!(u.tests, vec!["even"]);
        assert_eq!(u.functions, vec!["f"]);
    }

    #[test]
    fn strings_numbers_methods_and_guards() {
        assert_eq!(names(r#""xa.tong" ~ 1.5 ~ dv.ten.upper()"#), vec!["dv.ten"]);
        assert_eq!(names("(a).b + x[0].y"), vec!["a", "x"]);
        let u = usage(&lex("tinh is defined and huyen|default(1) and xa"));
        let guarded: Vec<bool> = u.names.iter().map(|n| n.guarded).collect();
        assert_eq!(guarded, vec![true, true, false]);
        assert_eq!(names("none or true and not False"), Vec::<String>::new());
        // Never fails on garbage.
        let _ = usage(&lex("}} ]] '' \" . | is not ( ë"));
    }
}
