//! MySQL 8 `mandatory_roles`: the one grant-related setting that lives in a variable.
//!
//! The server gives it only as text: a comma-separated list of role names, each
//! `user[@host]` with optional `'`/`"`/`` ` `` quoting and host `%` by default
//! (`` `r1`@`%`,r2,'r3'@localhost ``). This parser follows the server's rules: quoted parts
//! keep every character (a doubled quote is a quote; backslash escapes inside `'`/`"`), and an
//! unquoted entry is split at its last `@`, as MySQL's `parse_user` does.

/// Parses a `mandatory_roles` value into `(user, host)` pairs, in order.
pub fn parse_mandatory_roles(value: &str) -> Result<Vec<(String, String)>, String> {
    let chars: Vec<char> = value.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        skip_spaces(&chars, &mut i);
        if i >= chars.len() {
            break;
        }
        let (user, host) = if is_quote(chars[i]) {
            let user = quoted(&chars, &mut i)?;
            skip_spaces(&chars, &mut i);
            if chars.get(i) == Some(&'@') {
                i += 1;
                skip_spaces(&chars, &mut i);
                (user, host_part(&chars, &mut i)?)
            } else {
                (user, "%".to_owned())
            }
        } else {
            let token = bare(&chars, &mut i);
            let token = token.trim_end();
            if let Some(user) = token.strip_suffix('@')
                && chars.get(i).is_some_and(|c| is_quote(*c))
            {
                (user.trim_end().to_owned(), quoted(&chars, &mut i)?)
            } else if let Some(at) = token.rfind('@') {
                (
                    token[..at].trim_end().to_owned(),
                    token[at + 1..].trim_start().to_owned(),
                )
            } else {
                (token.to_owned(), "%".to_owned())
            }
        };
        if user.is_empty() {
            return Err(format!("empty role name in mandatory_roles {value:?}"));
        }
        out.push((user, host.to_lowercase()));
        skip_spaces(&chars, &mut i);
        match chars.get(i) {
            None => break,
            Some(',') => i += 1,
            Some(c) => return Err(format!("unexpected {c:?} in mandatory_roles {value:?}")),
        }
    }
    Ok(out)
}

fn is_quote(c: char) -> bool {
    matches!(c, '\'' | '"' | '`')
}

fn skip_spaces(chars: &[char], i: &mut usize) {
    while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
        *i += 1;
    }
}

/// Unquoted text up to a comma or a quote.
fn bare(chars: &[char], i: &mut usize) -> String {
    let start = *i;
    while chars.get(*i).is_some_and(|&c| c != ',' && !is_quote(c)) {
        *i += 1;
    }
    chars[start..*i].iter().collect()
}

/// The host after `@`: quoted, or bare up to a comma.
fn host_part(chars: &[char], i: &mut usize) -> Result<String, String> {
    match chars.get(*i) {
        Some(&c) if is_quote(c) => quoted(chars, i),
        _ => Ok(bare(chars, i).trim_end().to_owned()),
    }
}

/// A quoted name starting at `chars[*i]`: a doubled quote is a quote; inside `'` and `"`
/// a backslash escapes the next character.
fn quoted(chars: &[char], i: &mut usize) -> Result<String, String> {
    let q = chars[*i];
    *i += 1;
    let mut s = String::new();
    loop {
        match chars.get(*i) {
            None => return Err("unterminated quoted name in mandatory_roles".into()),
            Some(&c) if c == q => {
                if chars.get(*i + 1) == Some(&q) {
                    s.push(q);
                    *i += 2;
                } else {
                    *i += 1;
                    return Ok(s);
                }
            }
            Some('\\') if q != '`' => {
                let c = chars.get(*i + 1).ok_or("dangling backslash in mandatory_roles")?;
                s.push(match c {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    other => *other,
                });
                *i += 2;
            }
            Some(&c) => {
                s.push(c);
                *i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<(String, String)> {
        parse_mandatory_roles(s).unwrap()
    }

    fn pair(u: &str, h: &str) -> (String, String) {
        (u.to_owned(), h.to_owned())
    }

    #[test]
    fn forms_of_the_documented_syntax() {
        assert_eq!(
            p("`role1`@`%`,role2,role3,role4@localhost"),
            vec![
                pair("role1", "%"),
                pair("role2", "%"),
                pair("role3", "%"),
                pair("role4", "localhost")
            ]
        );
        assert_eq!(p(""), vec![]);
        assert_eq!(
            p("  r1 , 'r 2'@'10.0.%' "),
            vec![pair("r1", "%"), pair("r 2", "10.0.%")]
        );
        assert_eq!(p("r1@'LocalHost'"), vec![pair("r1", "localhost")]);
    }

    #[test]
    fn quoting_keeps_every_character() {
        assert_eq!(p("'o''neil'@'%'"), vec![pair("o'neil", "%")]);
        assert_eq!(
            p("`back``tick`,\"a,b\"@h"),
            vec![pair("back`tick", "%"), pair("a,b", "h")]
        );
        assert_eq!(p("'a@b'"), vec![pair("a@b", "%")]);
        // Bare names split at the last '@', like the server.
        assert_eq!(p("a@b@c"), vec![pair("a@b", "c")]);
    }

    #[test]
    fn malformed_values_are_errors() {
        assert!(parse_mandatory_roles("'unterminated").is_err());
        assert!(parse_mandatory_roles("'a' 'b'").is_err());
        assert!(parse_mandatory_roles("@h").is_err());
    }
}
