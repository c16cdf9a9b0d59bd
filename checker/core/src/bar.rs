//! A text progress bar: `[########------------]  40%`.

/// A bar `width` characters wide filled to `done / total`.
pub fn bar(done: u32, total: u32, width: usize) -> String {
    let filled = (done as usize * width)
        .checked_div(total as usize)
        .unwrap_or(0);
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    format!(
        "[{}{}] {percent:>3}%",
        "#".repeat(filled),
        "-".repeat(width - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn fills_in_proportion() {
        assert_eq!(bar(0, 10, 10), "[----------]   0%");
        assert_eq!(bar(4, 10, 10), "[####------]  40%");
        assert_eq!(bar(10, 10, 10), "[##########] 100%");
        assert_eq!(bar(0, 0, 4), "[----]   0%");
    }
}
