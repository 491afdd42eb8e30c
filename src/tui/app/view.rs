//! Drawing the app: phases and gates on the left, plan or program above the log on the right, the
//! keys at the bottom; help and editors as overlays. Fits 80x24 and grows with the terminal.

use autokaggle_agents::Work;
use autokaggle_agents::roles::GateStatus;
use autokaggle_core::phase::PHASES;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{App, Ending, Mode};
use crate::steer::{PhaseState, Stop};
use crate::tui::editor::Editor;
use crate::tui::steps::Steps;

impl App {
    /// Draws the whole screen from the state.
    pub fn view(&self, f: &mut Frame) {
        draw(f, self)
    }
}

fn draw(f: &mut Frame, app: &App) {
    let [top, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    f.render_widget(
        Paragraph::new(title(app)).style(Style::new().add_modifier(Modifier::REVERSED)),
        top,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Length(30), Constraint::Min(30)]).areas(body);
    let [phases, gates] = Layout::vertical([Constraint::Length(8), Constraint::Min(3)]).areas(left);
    f.render_widget(phase_list(app), phases);
    f.render_widget(gate_list(app), gates);
    let [main, log] =
        Layout::vertical([Constraint::Percentage(65), Constraint::Min(3)]).areas(right);
    f.render_widget(main_pane(app), main);
    let height = log.height.saturating_sub(2) as usize;
    let lines: Vec<Line> = app
        .log
        .iter()
        .skip(app.log.len().saturating_sub(height))
        .map(|l| Line::raw(l.as_str()))
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Log ")),
        log,
    );
    f.render_widget(Paragraph::new(status_line(app)), status);
    f.render_widget(
        Paragraph::new(hints(app)).style(Style::new().fg(Color::Cyan)),
        keys,
    );
    match &app.mode {
        Mode::Help => overlay(
            f,
            " Keys ",
            Paragraph::new(HELP).wrap(Wrap { trim: false }),
            70,
            20,
        ),
        Mode::Instruction(ed) => editor(
            f,
            " Instruction for the agents (this phase and later) ",
            ed,
            70,
            5,
        ),
        Mode::Plan(ed) => editor(f, " Edit the plan (Ctrl-S to use it) ", ed, 76, 20),
        Mode::Steps(st) => steps(f, st),
        Mode::Normal => {}
    }
}

/// The key hints for the bottom line.
fn hints(app: &App) -> &'static str {
    match (&app.mode, app.waiting, &app.ended) {
        (Mode::Help, _, _) => "any key: close help",
        (Mode::Instruction(_), _, _) => "Enter: give the instruction  Esc: cancel",
        (Mode::Plan(_), _, _) => "Ctrl-S: use this plan  Esc: cancel",
        (Mode::Steps(s), _, _) if s.editing.is_some() => "Ctrl-S: keep  Esc: cancel",
        (Mode::Steps(_), _, _) => {
            "j/k move  J/K reorder  d delete  e edit  a add  Ctrl-S run  Esc cancel"
        }
        (_, _, Some(_)) => "q: leave  ?: help",
        (_, Some((_, Stop::Plan)), _) => {
            "Enter approve  e edit plan  i instruct  r redo  s skip  q quit  PgDn  ?"
        }
        (_, Some((_, Stop::Gates)), _) => {
            "Enter approve  p edit program  i instruct  r redo  q quit  v view  PgDn  ?"
        }
        _ => "working...  c auto-continue  v plan/program  q stop at next stop  ? help",
    }
}

/// The phase titles with their states.
fn phase_rows(app: &App) -> Vec<(String, PhaseState)> {
    PHASES
        .iter()
        .zip(app.phases)
        .enumerate()
        .map(|(i, (p, s))| (format!("{} {}", i + 1, p.title()), s))
        .collect()
}

const HELP: &str = "At a plan stop (nothing has run yet):
  Enter/a  approve: the developer follows this plan
  e        edit the plan ($EDITOR if set, else here; Ctrl-S keeps it)
  s        skip the phase (EDA phases only)
At a gates stop (the phase ran; gates and reviewer have spoken):
  Enter/a  approve: hand the phase over
  p        edit the program: j/k select, J/K move, d delete, e edit
           a step's JSON, a add a step, Ctrl-S validate and run it
At either stop:
  i        an instruction for the agents, this phase and later ones
           (the phase is planned again with it)
  r        redo the phase          q  quit (resume later)
Any time:
  c  auto-continue on/off   v  plan / program   PgUp/PgDn  scroll   ?  help
Everything you do is saved in the run's interventions.json.";

fn title(app: &App) -> String {
    let dir = app
        .run_dir
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let usage = match app.usage {
        Some((c, t, d)) => format!("  LLM {c} calls, {t} tokens, ${d:.3}"),
        None => "  offline policy".into(),
    };
    format!(
        " AutoKaggle-rs  {dir}{usage}{}",
        if app.auto { "  [auto]" } else { "" }
    )
}

fn state_style(s: PhaseState) -> (&'static str, Style) {
    match s {
        PhaseState::Waiting => ("waiting", Style::new().fg(Color::DarkGray)),
        PhaseState::Running => ("running", Style::new().fg(Color::Yellow)),
        PhaseState::Awaiting => (
            "your turn",
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        ),
        PhaseState::Passed => ("passed", Style::new().fg(Color::Green)),
        PhaseState::Failed => ("failed", Style::new().fg(Color::Red)),
        PhaseState::Skipped => ("skipped", Style::new().fg(Color::Blue)),
    }
}

fn phase_list(app: &App) -> Paragraph<'static> {
    let lines: Vec<Line> = phase_rows(app)
        .into_iter()
        .map(|(name, s)| {
            let (word, style) = state_style(s);
            let name: String = name.chars().take(18).collect();
            Line::from(vec![
                Span::raw(format!("{name:<19}")),
                Span::styled(word, style),
            ])
        })
        .collect();
    Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Phases "))
}

fn gate_list(app: &App) -> Paragraph<'static> {
    let mut lines: Vec<Line> = app
        .gates
        .iter()
        .map(|g| {
            let (mark, style) = match g.status {
                GateStatus::Passed => ("✓", Style::new().fg(Color::Green)),
                GateStatus::Failed => ("✗", Style::new().fg(Color::Red)),
                GateStatus::NotApplicable => ("–", Style::new().fg(Color::DarkGray)),
            };
            let mut l = vec![
                Span::styled(format!("{mark} "), style),
                Span::raw(g.gate.clone()),
            ];
            if g.failed() {
                l.push(Span::raw(format!(": {}", g.message)));
            }
            Line::from(l)
        })
        .collect();
    if let Some(r) = &app.review {
        let scores: Vec<String> = r
            .scores
            .iter()
            .map(|s| format!("{} {}/5", s.0, s.1))
            .collect();
        lines.push(Line::styled(
            format!("review: {}", scores.join(", ")),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    Paragraph::new(lines).wrap(Wrap { trim: true }).block(
        Block::default()
            .borders(Borders::ALL)
            .title(" Gates · review "),
    )
}

/// A program's steps or the models' candidates, one line each.
fn work_lines(w: &Work) -> Vec<String> {
    match w {
        Work::Analysis => {
            vec!["(analysis: no program; the profile and charts are the work)".into()]
        }
        Work::Program { program } => program
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {} {}", i + 1, s.tool, s.args))
            .collect(),
        Work::Models { folds, candidates } => std::iter::once(format!("{folds}-fold CV"))
            .chain(
                candidates
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{}. {}", i + 1, c.name)),
            )
            .collect(),
    }
}

fn main_pane(app: &App) -> Paragraph<'static> {
    let (title, lines) = if app.show_program {
        let mut lines = app
            .work
            .as_ref()
            .map(work_lines)
            .unwrap_or_else(|| vec!["(no program yet)".into()]);
        // The modeling phase: each candidate with its CV score, if it ran.
        for l in lines.iter_mut() {
            let name = l.split_once(". ").map_or("", |x| x.1).to_string();
            if let Some(c) = app.cv.iter().find(|c| c.model == name) {
                *l = format!("{l:<24} CV {:.4} ± {:.4}", c.mean, c.std);
            }
        }
        (" Program (v: plan) ", lines)
    } else {
        (
            " Plan (v: program) ",
            app.plan.lines().map(str::to_string).collect(),
        )
    };
    Paragraph::new(lines.into_iter().map(Line::from).collect::<Vec<_>>())
        .wrap(Wrap { trim: false })
        .scroll((app.scroll, 0))
        .block(Block::default().borders(Borders::ALL).title(title))
}

fn status_line(app: &App) -> Line<'static> {
    if let Some(m) = &app.message {
        return Line::styled(m.clone(), Style::new().fg(Color::Red));
    }
    match (&app.ended, app.waiting) {
        (Some(Ending::Finished(s)), _) => Line::styled(s.clone(), Style::new().fg(Color::Green)),
        (Some(Ending::Stopped(e) | Ending::Failed(e)), _) => {
            Line::styled(e.clone(), Style::new().fg(Color::Red))
        }
        (None, Some((p, Stop::Plan))) => Line::styled(
            format!(
                "{}: plan ready. Approve, edit, instruct, redo, quit?",
                p.title()
            ),
            Style::new().fg(Color::Magenta),
        ),
        (None, Some((p, Stop::Gates))) => Line::styled(
            format!(
                "{}: ran (gates, review at left). Approve, edit, redo, quit?",
                p.title()
            ),
            Style::new().fg(Color::Magenta),
        ),
        (None, None) if app.quit_pending => Line::raw("stopping at the next stop..."),
        (None, None) => Line::raw(""),
    }
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn overlay(f: &mut Frame, title: &str, p: Paragraph, w: u16, h: u16) {
    let area = centered(f.area(), w, h);
    f.render_widget(Clear, area);
    f.render_widget(
        p.block(
            Block::default()
                .borders(Borders::ALL)
                .title(title.to_string()),
        ),
        area,
    );
}

fn editor(f: &mut Frame, title: &str, ed: &Editor, w: u16, h: u16) {
    let area = centered(f.area(), w, h);
    let inner_h = area.height.saturating_sub(2) as usize;
    let first = ed.row.saturating_sub(inner_h.saturating_sub(1));
    let lines: Vec<Line> = ed
        .lines
        .iter()
        .skip(first)
        .map(|l| Line::raw(l.clone()))
        .collect();
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(title.to_string()),
        ),
        area,
    );
    let x = area.x + 1 + (ed.col as u16).min(area.width.saturating_sub(3));
    let y = area.y + 1 + (ed.row - first) as u16;
    f.set_cursor_position((x, y));
}

fn steps(f: &mut Frame, st: &Steps) {
    if let Some((ed, new)) = &st.editing {
        let title = if *new {
            " New item (JSON; Ctrl-S keeps it) "
        } else {
            " Edit item (JSON; Ctrl-S keeps it) "
        };
        editor(f, title, ed, 76, 18);
        if let Some(e) = &st.error {
            let area = centered(f.area(), 76, 18);
            let y = area.y + area.height;
            if y < f.area().height {
                f.render_widget(
                    Paragraph::new(e.clone()).style(Style::new().fg(Color::Red)),
                    Rect::new(area.x, y, area.width, 1),
                );
            }
        }
        return;
    }
    let mut lines: Vec<Line> = st
        .items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let text = match (v["tool"].as_str(), v["name"].as_str()) {
                (Some(t), _) => format!("{}. {t} {}", i + 1, v["args"]),
                (None, Some(n)) => format!("{}. {n}", i + 1),
                _ => format!("{}. {v}", i + 1),
            };
            if i == st.sel {
                Line::styled(
                    format!("> {text}"),
                    Style::new().add_modifier(Modifier::REVERSED),
                )
            } else {
                Line::raw(format!("  {text}"))
            }
        })
        .collect();
    if let Some(e) = &st.error {
        lines.push(Line::raw(""));
        lines.push(Line::styled(e.clone(), Style::new().fg(Color::Red)));
    }
    let title = match st.folds {
        Some(k) => format!(" Models ({k}-fold CV) "),
        None => " Program steps ".into(),
    };
    overlay(
        f,
        &title,
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        78,
        18,
    );
}
