//! newslens: a folder of news articles in, spreadsheet-ready tables out.
pub mod compare;
pub mod decode;
pub mod diagnostics;
pub mod input;
pub mod keywords;
pub mod language;
pub mod lexicon;
pub mod meta;
pub mod ner;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod publish;
pub mod report;
pub mod run;
pub mod segment;
pub mod terms;
