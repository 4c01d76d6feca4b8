//! Live views on a terminal: each frame is drawn over the last one from the top (no clear, so nothing is copied
//! into the scrollback), cut to the terminal's size: the counts, rollouts and notes always show, and instance rows
//! that do not fit are folded into "... N more".

/// The terminal's rows and columns (stdout), when it is one.
pub fn size() -> Option<(usize, usize)> {
    // SAFETY: TIOCGWINSZ writes a `winsize` into the struct it is given; a zeroed one is valid.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: ioctl(2) on stdout with TIOCGWINSZ and a pointer to a live `winsize`.
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    (ok && ws.ws_row > 0 && ws.ws_col > 0).then_some((ws.ws_row as usize, ws.ws_col as usize))
}

/// `text` as a frame for the terminal: cursor home, each line cleared to its end, the rest of the screen cleared.
pub fn frame(text: &str) -> String {
    let (rows, cols) = size().unwrap_or((24, 80));
    let mut out = String::from("\x1b[H");
    for line in fit(text, rows.saturating_sub(1).max(1), cols) {
        out.push_str(&line);
        out.push_str("\x1b[K\n");
    }
    out.push_str("\x1b[J");
    out
}

/// `text` cut to at most `rows` lines of at most `cols` characters: instance rows (those under an `INSTANCE`
/// header) give way first, each group's cut ones replaced by one `... N more` line.
pub fn fit(text: &str, rows: usize, cols: usize) -> Vec<String> {
    let lines: Vec<&str> = text.trim_end_matches('\n').lines().collect();
    let mut is_row = Vec::with_capacity(lines.len());
    let mut in_table = false;
    for line in &lines {
        if line.starts_with("INSTANCE ") {
            in_table = true;
            is_row.push(false);
        } else if line.is_empty() || line.starts_with("group ") || line.starts_with('(') {
            in_table = false;
            is_row.push(false);
        } else {
            is_row.push(in_table);
        }
    }
    let fixed = is_row.iter().filter(|r| !**r).count();
    let total_rows = lines.len() - fixed;
    let mut out = Vec::new();
    if lines.len() <= rows {
        out.extend(lines.iter().map(|l| l.to_string()));
    } else {
        // Room for instance rows, keeping one line per table for the "... N more".
        let tables = lines.iter().filter(|l| l.starts_with("INSTANCE ")).count();
        let mut budget = rows.saturating_sub(fixed + tables);
        let mut hidden = 0usize;
        for (i, line) in lines.iter().enumerate() {
            if is_row[i] {
                if budget > 0 {
                    budget -= 1;
                    out.push(line.to_string());
                } else {
                    hidden += 1;
                }
                let table_ends = i + 1 == lines.len() || !is_row[i + 1];
                if table_ends && hidden > 0 {
                    out.push(format!("... {hidden} more instance(s)"));
                    hidden = 0;
                }
            } else {
                out.push(line.to_string());
            }
        }
        if out.len() > rows {
            out.truncate(rows.saturating_sub(1));
            out.push(format!("... (the terminal is too small: {total_rows} instance(s) in all)"));
        }
    }
    out.into_iter().map(|l| cut(&l, cols)).collect()
}

/// `line` cut to `cols` characters (a wrapped line would push the frame down).
fn cut(line: &str, cols: usize) -> String {
    if line.chars().count() <= cols {
        return line.to_string();
    }
    let mut s: String = line.chars().take(cols.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(n: usize) -> String {
        let mut t = String::from("group w  target 3\nnote: x\nINSTANCE  LOGICAL  CONFIG\n");
        for i in 0..n {
            t.push_str(&format!("process-{i}  -  abc\n"));
        }
        t.push_str("\n(Ctrl-C to stop)\n");
        t
    }

    #[test]
    fn small_terminals_keep_the_summary() {
        let lines = fit(&view(50), 10, 80);
        assert_eq!(lines.len(), 10, "{lines:?}");
        assert_eq!(lines[0], "group w  target 3");
        assert_eq!(lines[1], "note: x");
        assert!(lines.contains(&"... 46 more instance(s)".to_string()), "{lines:?}");
        assert_eq!(lines.last().map(String::as_str), Some("(Ctrl-C to stop)"));
        assert_eq!(fit(&view(2), 10, 80).len(), 7, "what fits is shown whole");
        assert!(fit(&view(2), 10, 8).iter().all(|l| l.chars().count() <= 8));
    }
}
