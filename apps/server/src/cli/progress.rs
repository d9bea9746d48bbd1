//! The progress bars of `import` and `export`: drawn on stderr when it is a terminal (`--progress auto`, the
//! default), always (`--progress always`, e.g. to watch a run through a pipe or to test the bar), or never.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal.
    #[default]
    Auto,
    /// A bar on stderr even when it is not a terminal.
    Always,
    /// No bar.
    Never,
}

/// A bar of `len` units drawn as `template` (indicatif's template language) with `prefix` before it.
pub fn bar(mode: ProgressMode, len: u64, prefix: &'static str, template: &str) -> ProgressBar {
    let target = match mode {
        ProgressMode::Auto => ProgressDrawTarget::stderr(),
        // indicatif hides a bar on a stderr that is no terminal; as a terminal-like target it draws regardless.
        ProgressMode::Always => ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 10),
        ProgressMode::Never => ProgressDrawTarget::hidden(),
    };
    let bar = ProgressBar::with_draw_target(Some(len), target).with_prefix(prefix);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
