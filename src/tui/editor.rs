//! A small text area for plans, instructions and program steps inside the TUI (used when `$EDITOR`
//! is not set, and always for one-line instructions).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the text.
#[derive(Debug, PartialEq, Eq)]
pub enum Edit {
    /// Still editing.
    Editing,
    /// Ctrl-S (or Enter on a one-line field): keep the text.
    Save,
    /// Esc: drop the changes.
    Cancel,
}

/// Lines of text and a cursor (row, column in characters).
#[derive(Clone, Debug)]
pub struct Editor {
    /// The text, one entry per line.
    pub lines: Vec<String>,
    /// Cursor row.
    pub row: usize,
    /// Cursor column, in characters.
    pub col: usize,
    /// Enter saves instead of breaking the line.
    pub single_line: bool,
}

impl Editor {
    /// An editor over `text`, the cursor at its end.
    pub fn new(text: &str, single_line: bool) -> Self {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let row = lines.len() - 1;
        let col = lines[row].chars().count();
        Self {
            lines,
            row,
            col,
            single_line,
        }
    }

    /// The text.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    fn byte(&self) -> usize {
        let l = &self.lines[self.row];
        l.char_indices().nth(self.col).map_or(l.len(), |(i, _)| i)
    }

    fn len(&self, row: usize) -> usize {
        self.lines[row].chars().count()
    }

    /// Applies a key.
    pub fn key(&mut self, k: KeyEvent) -> Edit {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char('s') if ctrl => return Edit::Save,
            KeyCode::Esc => return Edit::Cancel,
            KeyCode::Enter if self.single_line => return Edit::Save,
            KeyCode::Enter => {
                let b = self.byte();
                let rest = self.lines[self.row].split_off(b);
                self.lines.insert(self.row + 1, rest);
                self.row += 1;
                self.col = 0;
            }
            KeyCode::Char(c) if !ctrl => {
                let b = self.byte();
                self.lines[self.row].insert(b, c);
                self.col += 1;
            }
            KeyCode::Backspace => {
                if self.col > 0 {
                    self.col -= 1;
                    let b = self.byte();
                    self.lines[self.row].remove(b);
                } else if self.row > 0 {
                    let line = self.lines.remove(self.row);
                    self.row -= 1;
                    self.col = self.len(self.row);
                    self.lines[self.row].push_str(&line);
                }
            }
            KeyCode::Delete => {
                if self.col < self.len(self.row) {
                    let b = self.byte();
                    self.lines[self.row].remove(b);
                } else if self.row + 1 < self.lines.len() {
                    let next = self.lines.remove(self.row + 1);
                    self.lines[self.row].push_str(&next);
                }
            }
            KeyCode::Left if self.col > 0 => self.col -= 1,
            KeyCode::Right if self.col < self.len(self.row) => self.col += 1,
            KeyCode::Up if self.row > 0 => {
                self.row -= 1;
                self.col = self.col.min(self.len(self.row));
            }
            KeyCode::Down if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = self.col.min(self.len(self.row));
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.len(self.row),
            _ => {}
        }
        Edit::Editing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_deleting_and_joining_lines() {
        let mut e = Editor::new("ab\ncd", false);
        assert_eq!((e.row, e.col), (1, 2));
        e.key(k(KeyCode::Home));
        e.key(k(KeyCode::Backspace));
        assert_eq!(e.text(), "abcd");
        e.key(k(KeyCode::Enter));
        e.key(k(KeyCode::Char('é')));
        e.key(k(KeyCode::Char('x')));
        assert_eq!(e.text(), "ab\néxcd");
        e.key(k(KeyCode::Left));
        e.key(k(KeyCode::Delete));
        assert_eq!(e.text(), "ab\nécd");
        assert_eq!(
            e.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            Edit::Save
        );
        let mut one = Editor::new("", true);
        one.key(k(KeyCode::Char('a')));
        assert_eq!(one.key(k(KeyCode::Enter)), Edit::Save);
        assert_eq!(one.text(), "a");
    }
}
