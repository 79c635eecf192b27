//! Growing the real knowledge base to a benchmark size, shared by `benches/ask.rs` and
//! `examples/perf_probe.rs`: copies get a different id and one paraphrase swapped in as
//! the question, so they stay realistic but compete with their originals.

use madoguchi::knowledge::Entry;

/// A TOML string literal.
pub fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The `[[entry]]` table of copy number `copy` of `e` (copy 0 is `e` itself).
pub fn entry_toml(e: &Entry, copy: usize) -> String {
    let swap = (copy > 0 && !e.alt_questions.is_empty()).then(|| copy % e.alt_questions.len());
    let id = if copy == 0 {
        e.id.clone()
    } else {
        format!("{}-copy{copy}", e.id)
    };
    let question = swap.map_or(e.question.clone(), |s| e.alt_questions[s].clone());
    let alts: Vec<String> = e
        .alt_questions
        .iter()
        .enumerate()
        .map(|(j, a)| {
            if Some(j) == swap {
                quote(&e.question)
            } else {
                quote(a)
            }
        })
        .collect();
    format!(
        "[[entry]]\nid = {}\ndomain = {}\ncategory = {}\nquestion = {}\nalt_questions = [{}]\nanswer = {}\nsource = {}\nsource_url = {}\nreviewed = {}\n\n",
        quote(&id),
        quote(e.domain.as_str()),
        quote(&e.category),
        quote(&question),
        alts.join(", "),
        quote(&e.answer),
        quote(&e.source),
        quote(&e.source_url),
        e.reviewed
    )
}
