//! A text progress bar: `[########------------]  40%`.

/// A bar `width` characters wide filled to `done / total`.
pub fn bar(done: u32, total: u32, width: usize) -> String {
    let filled = if total == 0 {
        0
    } else {
        (done as usize * width) / total as usize
    };
    let percent = if total == 0 { 0 } else { done * 100 / total };
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
