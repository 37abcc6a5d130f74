//! Markdown events → sections with canonical kinds.
//!
//! Real postmortems mark their parts in four ways, all read here from the
//! pulldown-cmark event stream: ATX/setext headings (`## Timeline (UTC)`),
//! bold-only paragraphs (`**Issue Summary**`), bold labels at the start of a
//! line (`- **Root Cause:** …`) and plain label lines (`Root Cause: …`,
//! or a bare `TIMELINE` line). Indented code blocks are read as prose: in
//! postmortems they are almost always accidental indentation.

use super::links::Collector;
use super::text::table_cells;
use crate::model::{MARKDOWN_OPTIONS, Section, SectionKind};
use crate::per_thread::PerThread;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use regex::Regex;
use std::collections::HashMap;

/// Built-in heading phrases (normalised: lower-case, no markup, no
/// parenthetical suffix). A heading matches a phrase when it equals it or
/// starts with it followed by a non-alphanumeric character.
const SYNONYMS: &[(SectionKind, &[&str])] = &[
    (
        SectionKind::Summary,
        &[
            "概述",
            "故障概述",
            "事件概述",
            "事故概述",
            "摘要",
            "故障描述",
            "问题描述",
            "事件描述",
            "podsumowanie",
            "streszczenie",
            "opis incydentu",
            "riepilogo",
            "sommario",
            "sintesi",
            "samenvatting",
            "resumo do incidente",
            "resumen del incidente",
            "résumé de l'incident",
            "zusammenfassung des vorfalls",
            "summary",
            "issue summary",
            "incident summary",
            "executive summary",
            "overview",
            "incident overview",
            "problem overview",
            "what happened",
            "description",
            "issue description",
            "incident description",
            "detailed description",
            "background",
            "context",
            "abstract",
            "tl;dr",
            "the short of it",
            "tldr",
            "synopsis",
            "summation",
            "résumé",
            "resume",
            "zusammenfassung",
            "概要",
            "サマリー",
            "resumen",
            "resumo",
            "resumen ejecutivo",
            "ringkasan",
            "ringkasan insiden",
            "개요",
            "요약",
            "обзор",
            "сводка",
            "краткое описание",
            "описание",
            "резюме",
            "короткий опис",
            "опис",
            "огляд",
            "підсумок",
            "sammanfattning",
            "sammandrag",
            "oppsummering",
            "sammenfatning",
            "özet",
            "olay özeti",
            "issues found",
            "introduction",
            "incident details",
            "the problem",
            "problem statement",
            "the issue",
            "event summary",
            "postmortem summary",
            "post-mortem summary",
            "short summary",
            "quick summary",
            "ce qui s'est passé",
            "que s'est-il passé",
            "was ist passiert",
            "qué pasó",
            "o que aconteceu",
            "何が起きたか",
            // Templates ask for "what broke, for whom, for how long" there.
            "what broke",
            "무슨 일이 있었나",
            "inledning",
            "tóm tắt",
            "tổng quan",
            "mô tả sự cố",
            "tóm tắt sự cố",
            "सारांश",
            "संक्षेप",
            "अवलोकन",
            "घटना का सारांश",
        ],
    ),
    (
        SectionKind::Impact,
        &[
            "影响",
            "影响范围",
            "故障影响",
            "业务影响",
            "影响评估",
            "wpływ",
            "skutki",
            "wpływ na użytkowników",
            "what was affected",
            "what was impacted",
            "who was impacted",
            "impatto",
            "impatto sugli utenti",
            "impacto nos usuários",
            "impacto nos utilizadores",
            "impact",
            "impacts",
            "user impact",
            "customer impact",
            "business impact",
            "impact assessment",
            "blast radius",
            "impact and scope",
            "services affected",
            "affected services",
            "who was affected",
            "scope of impact",
            "impact summary",
            "impact on users",
            "impact on customers",
            "affected users",
            "affected customers",
            "customer-facing impact",
            "métriques d'impact",
            "impact sur les utilisateurs",
            "auswirkungen auf nutzer",
            "impacto en los usuarios",
            "dampak",
            "impacto",
            "auswirkungen",
            "auswirkung",
            "影響",
            "影響範囲",
            "영향",
            "영향 범위",
            "влияние",
            "последствия",
            "вплив",
            "наслідки",
            "påverkan",
            "konsekvenser",
            "påvirkning",
            "etki",
            "etkisi",
            "ảnh hưởng",
            "tác động",
            "mức độ ảnh hưởng",
            "प्रभाव",
        ],
    ),
    (
        SectionKind::Timeline,
        &[
            "时间线",
            "故障时间线",
            "处理过程",
            "处理经过",
            "故障经过",
            "事件经过",
            "时间轴",
            "oś czasu",
            "przebieg zdarzeń",
            "chronologia",
            "tijdlijn",
            "cronologia degli eventi",
            "verlauf",
            "zeitverlauf",
            "zeitplan",
            "timeline",
            "time line",
            "timeline of events",
            "incident timeline",
            "chronology",
            "chronologie",
            "cronología",
            "cronologia",
            "linha do tempo",
            "kronologi",
            "sequence of events",
            "línea de tiempo",
            "linea de tiempo",
            "zeitleiste",
            "zeitlicher ablauf",
            "ablauf",
            "タイムライン",
            "時系列",
            "経緯",
            "타임라인",
            "хронология",
            "хронология событий",
            "ход событий",
            "хронологія",
            "перебіг подій",
            "händelseförlopp",
            "förlopp",
            "zaman çizelgesi",
            "olay akışı",
            "kronoloji",
            "tidslinje",
            "event timeline",
            "detailed timeline",
            "timeline of the incident",
            "incident log",
            "log of events",
            "chronology of events",
            "dòng thời gian",
            "diễn biến",
            "diễn biến sự cố",
            "trình tự sự kiện",
            "mốc thời gian",
            "समयरेखा",
            "घटनाक्रम",
            "समय-रेखा",
        ],
    ),
    (
        SectionKind::RootCause,
        &[
            "why it happened",
            "why it did happen",
            "why this happened",
            "why it broke",
            "why it failed",
            "根因",
            "根因分析",
            "原因分析",
            "故障原因",
            "问题原因",
            "przyczyna",
            "przyczyny",
            "przyczyna źródłowa",
            "przyczyna główna",
            "causa",
            "causas",
            "causa principale",
            "causa radice",
            "causa raiz do problema",
            "oorzaak",
            "hoofdoorzaak",
            "grondoorzaak",
            "cause principale",
            "causa principal",
            "root cause",
            "root causes",
            "root cause analysis",
            "rca",
            "cause",
            "causes",
            "the cause",
            "fault",
            "trigger",
            "why it happened",
            "what caused it",
            "technical cause",
            "cause racine",
            "causes racines",
            "causa raíz",
            "causa raiz",
            "ursache",
            "ursachen",
            "grundursache",
            "根本原因",
            "根因",
            "原因",
            "근본 원인",
            "원인",
            "akar masalah",
            "причина",
            "корневая причина",
            "первопричина",
            "коренная причина",
            "першопричина",
            "коренева причина",
            "grundorsak",
            "orsak",
            "rotorsak",
            "årsak",
            "grunnårsak",
            "kök neden",
            "kök sebep",
            "причини",
            "причины",
            "root-cause",
            "root cause and analysis",
            "causal analysis",
            "cause analysis",
            "why did this happen",
            "why did it happen",
            "5 whys",
            "five whys",
            "cause of the outage",
            "cause of the incident",
            "primary cause",
            "underlying cause",
            "technical root cause",
            "what caused the outage",
            "what caused the incident",
            "what caused the issue",
            "what caused this",
            "how we got here",
            "how we got there",
            "nguyên nhân gốc",
            "nguyên nhân gốc rễ",
            "nguyên nhân",
            "nguyên nhân sự cố",
            "मूल कारण",
            "कारण",
        ],
    ),
    (
        SectionKind::Resolution,
        &[
            "解决方案",
            "处理措施",
            "恢复措施",
            "修复方案",
            "解决过程",
            "rozwiązanie",
            "naprawa",
            "resolução",
            "resolucao",
            "solução",
            "solucao",
            "mitigação",
            "mitigacao",
            "correção",
            "risoluzione",
            "soluzione",
            "mitigazione",
            "oplossing",
            "herstel",
            "solución",
            "mitigación",
            "mitigación y resolución",
            "resolution",
            "resolution and recovery",
            "recovery",
            "remediation",
            "mitigation",
            "fix",
            "the fix",
            "steps to resolution",
            "solution",
            "solution and recovery",
            "workaround",
            "workarounds",
            "debugging process",
            "immediate response",
            "recovery steps",
            "how it was fixed",
            "résolution",
            "resolución",
            "lösung",
            "behebung",
            "対応",
            "対応内容",
            "対応状況",
            "復旧",
            "조치",
            "해결",
            "решение",
            "восстановление",
            "устранение",
            "відновлення",
            "усунення",
            "вирішення",
            "åtgärder under incidenten",
            "lösning",
            "çözüm",
            "müdahale",
            "penyelesaian",
            "resolution steps",
            "mitigation steps",
            "fix applied",
            "incident response",
            "response and recovery",
            "recovery and resolution",
            "actions taken",
            "steps taken",
            "what we did",
            "how we fixed it",
            "how it was resolved",
            "restoration",
            "service restoration",
            "restoration of service",
            "remediation steps",
            "how did we fix it",
            "how was it fixed",
            "how was it resolved",
            "how we resolved it",
            "welche schritte wurden unternommen",
            "maßnahmen während des vorfalls",
            "대응",
            "대응 조치",
            "即時対応",
            "biện pháp khắc phục",
            "khắc phục",
            "cách khắc phục",
            "giải pháp",
            "xử lý sự cố",
            "समाधान",
            "निवारण",
        ],
    ),
    (
        SectionKind::Detection,
        &[
            "故障发现",
            "发现过程",
            "wykrycie",
            "detecção",
            "deteccao",
            "detección",
            "deteccion",
            "rilevamento",
            "entdeckung",
            "detectie",
            "detection",
            "how it was detected",
            "how we found out",
            "alerting",
            "detection and response",
            "how was it detected",
            "how it was discovered",
            "how we noticed",
            // "Why it took nine hours to notice", "Why it took so long".
            "why it took",
            "why did it take",
            "why we didn't notice",
            "why we did not notice",
            "détection",
            "erkennung",
            "обнаружение",
            "виявлення",
            "upptäckt",
            "tespit",
            "検知",
            "탐지",
            "phát hiện",
            "cách phát hiện",
            "पहचान",
        ],
    ),
    (
        SectionKind::ActionItems,
        &[
            "改进措施",
            "后续改进",
            "改进计划",
            "后续行动",
            "行动项",
            "整改措施",
            "后续措施",
            "działania naprawcze",
            "działania",
            "zadania",
            "działania zapobiegawcze",
            "things we've changed",
            "things we have changed",
            "things we changed",
            "things we're changing",
            "things we are changing",
            "things i'm changing",
            "things i changed",
            "what we're changing",
            "what we are changing",
            "what we changed",
            "what i'm changing",
            "what i changed",
            "changes we're making",
            "changes we are making",
            "what we will do",
            "what we'll do",
            "próximos passos",
            "proximos passos",
            "nächste schritte",
            "azioni correttive",
            "prossimi passi",
            "acties",
            "vervolgacties",
            "itens de ação",
            "ações",
            "acções",
            "acciones",
            "action items",
            "action item",
            "action plan",
            "actions",
            "follow-up actions",
            "follow-ups",
            "follow ups",
            "followups",
            "follow-up",
            "follow up",
            "next steps",
            "corrective actions",
            "corrective measures",
            "corrective and preventative measures",
            "corrective and preventive measures",
            "corrective and preventative actions",
            "corrective and preventive actions",
            "preventative measures",
            "preventive measures",
            "measures",
            "preventive actions",
            "preventative actions",
            "prevention",
            "remediation items",
            "repair items",
            "post-incident actions",
            "post incident actions",
            "todo",
            "to do",
            "to-do",
            "todo list",
            "tasks",
            "task list",
            "tasks to address the issue",
            "improvements",
            "specific tasks",
            "areas for improvement",
            "what to change",
            "recommendations",
            "suggested remediation",
            "mesures correctives",
            "actions correctives",
            "acciones correctivas",
            "ações corretivas",
            "acções correctivas",
            "acções corretivas",
            "acoes corretivas",
            "acciones correctivas inmediatas",
            "acciones preventivas",
            "maßnahmen",
            "massnahmen",
            "再発防止",
            "再発防止策",
            "是正",
            "対策",
            "재발 방지",
            "재발 방지 대책",
            "후속 조치",
            "tindak lanjut",
            "rencana perbaikan",
            "action items and follow-ups",
            "follow-up items",
            "follow-up tasks",
            "what we are doing",
            "what we're doing",
            "what we are doing about it",
            "what we're doing about it",
            "preventing recurrence",
            "prevention of recurrence",
            "going forward",
            "future work",
            "long-term fixes",
            "short-term fixes",
            "remediation plan",
            "improvements needed",
            "next actions",
            "action taken to prevent recurrence",
            "what are we doing to prevent this",
            "changes",
            "azioni",
            "verbeterpunten",
            "what we are doing to prevent this",
            "how will we prevent this",
            "preventing this in the future",
            "preventing future incidents",
            "what's next",
            "what is next",
            "future improvements",
            "tindakan perbaikan",
            "ce qu'on a changé",
            "ce que nous avons changé",
            "plan d'action",
            "was wir ändern",
            "plan de acción",
            "próximos pasos",
            "prochaines étapes",
            "меры",
            "действия",
            "дальнейшие действия",
            "корректирующие меры",
            "заходи",
            "дії",
            "наступні кроки",
            "план дій",
            "fortsatta åtgärder",
            "åtgärder",
            "åtgärdspunkter",
            "uppföljning",
            "tiltak",
            "aksiyonlar",
            "aksiyon maddeleri",
            "eylem maddeleri",
            "önlemler",
            "hành động tiếp theo",
            "các hành động tiếp theo",
            "việc cần làm",
            "kế hoạch hành động",
            "biện pháp phòng ngừa",
            "आगे की कार्रवाई",
            "अनुवर्ती कार्रवाई",
            "कार्य बिंदु",
            "कार्रवाई",
        ],
    ),
    (
        SectionKind::LessonsLearned,
        &[
            "经验教训",
            "经验总结",
            "复盘总结",
            "wnioski",
            "czego się nauczyliśmy",
            "what i'm taking away",
            "what we're taking away",
            "what i learned",
            "lições",
            "lezioni apprese",
            "leçons tirées",
            "geleerde lessen",
            "lessen",
            "aprendizados",
            "aprendizajes",
            "lessons learned",
            "lessons learnt",
            "lessons",
            "learnings",
            "what went well",
            "what went wrong",
            "where we got lucky",
            "what we learned",
            "takeaways",
            "key takeaways",
            "retrospective",
            "reflections",
            "lecciones aprendidas",
            "выводы",
            "извлеченные уроки",
            "висновки",
            "отримані уроки",
            "lärdomar",
            "lærdommer",
            "alınan dersler",
            "çıkarılan dersler",
            "dersler",
            "lições aprendidas",
            "leçons apprises",
            "enseignements",
            "erkenntnisse",
            "教訓",
            "学び",
            "교훈",
            "уроки",
            "pelajaran",
            "lessons and takeaways",
            "what could have gone better",
            "what went poorly",
            "what didn't go well",
            "what did not go well",
            "things that went well",
            "what could be improved",
            "was lernen wir daraus",
            "was wir gelernt haben",
            "lehren",
            "ce que nous avons appris",
            "enseignements tirés",
            "lo que aprendimos",
            "bài học kinh nghiệm",
            "bài học",
            "bài học rút ra",
            "सीख",
            "सीखे गए सबक",
            "सबक",
        ],
    ),
    (
        SectionKind::ContributingFactors,
        &[
            "czynniki",
            "czynniki sprzyjające",
            "fatores contribuintes",
            "fattori contribuenti",
            "beitragende faktoren",
            "способствующие факторы",
            "сопутствующие факторы",
            "факторы, способствовавшие",
            "фактори, що сприяли",
            "сприятливі фактори",
            "bidragande faktorer",
            "medverkande faktorer",
            "katkıda bulunan faktörler",
            "bijdragende factoren",
            "contribuíram",
            "contribuyeron",
            "contributing factors",
            "contributing factor",
            "contributing causes",
            "factors",
            "why it was not caught",
            "what made it worse",
            "facteurs contributifs",
            "factores contribuyentes",
            "contributing conditions",
            "contributors",
            "aggravating factors",
            "other factors",
            "secondary cause",
            "secondary causes",
            "2차 원인",
            "facteurs aggravants",
            "begünstigende faktoren",
            "yếu tố góp phần",
            "các yếu tố góp phần",
            "योगदान देने वाले कारक",
            "योगदान करने वाले कारक",
            "सहायक कारक",
        ],
    ),
];

/// How a heading or label reads: its kind, and the other kinds a combined
/// heading ("Root Cause and Resolution") also feeds.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub kind: SectionKind,
    pub also: Vec<SectionKind>,
}

/// Section heading phrases: the built-in ones plus `site.toml` synonyms.
#[derive(Debug, Clone)]
pub struct Synonyms {
    /// Phrases by their first word (its leading letters and digits), each
    /// list longest first: a heading is compared only with the phrases that
    /// can match it.
    by_first_word: HashMap<String, Vec<(String, SectionKind)>>,
}

/// The leading run of letters and digits: `follow-up` → `follow`.
fn first_word(text: &str) -> &str {
    let end = text.find(|c: char| !c.is_alphanumeric()).unwrap_or(text.len());
    &text[..end]
}

impl Synonyms {
    pub fn new(extra: &[(String, SectionKind)]) -> Self {
        let mut phrases: Vec<(String, SectionKind)> = extra.iter().map(|(p, k)| (normalize_heading(p), *k)).collect();
        for (kind, list) in SYNONYMS {
            phrases.extend(list.iter().map(|p| ((*p).to_string(), *kind)));
        }
        // Longest first, so "root cause analysis" wins over "root cause".
        phrases.sort_by_key(|(phrase, _)| std::cmp::Reverse(phrase.chars().count()));
        let mut by_first_word: HashMap<String, Vec<(String, SectionKind)>> = HashMap::new();
        for (phrase, kind) in phrases {
            by_first_word.entry(first_word(&phrase).to_string()).or_default().push((phrase, kind));
        }
        Synonyms { by_first_word }
    }

    /// The kind of a heading; `None` when it names no known section.
    /// Headings may extend a phrase ("Root Cause Analysis", "Timeline of
    /// events").
    /// A heading that names no section itself may name one in brackets
    /// ("Whodunnit (Root Cause)", "The Crime Scene (Issue Summary)"):
    /// there, only a whole known phrase counts.
    pub fn classify(&self, heading: &str) -> Option<Classification> {
        self.classify_heading(&normalize_heading(heading), heading)
    }

    /// [`Synonyms::classify`] of a heading whose key is already made.
    fn classify_heading(&self, key: &str, heading: &str) -> Option<Classification> {
        // "## 【原因】": a heading that is nothing but such a tag names its
        // section.
        if key.is_empty() && heading.contains(['【', '〔']) {
            let untagged: String = heading.chars().filter(|c| !matches!(c, '【' | '】' | '〔' | '〕')).collect();
            return self.classify_key(&normalize_heading(&untagged), true);
        }
        self.classify_key(key, true).or_else(|| {
            // Its first bracketed aside, as a whole phrase.
            let (_, inside) = heading.split_once('(')?;
            let (inside, _) = inside.split_once(')')?;
            self.classify_key(&normalize_heading(inside), false)
        })
    }

    /// The kind of a heading or label already normalised
    /// ([`normalize_heading`]): the outline keeps that key for each label,
    /// so it is made once. `loose` as for [`Synonyms::classify`]; otherwise
    /// whole phrases only, for plain `Label:` and bare lines, where a prefix
    /// match would turn timeline lines such as "Actions Taken: …" into
    /// sections; a combined label must be made of known phrases only.
    pub fn classify_key(&self, normalized: &str, loose: bool) -> Option<Classification> {
        if normalized.is_empty() {
            return None;
        }
        if let Some(kind) = self.match_phrase(normalized, false) {
            return Some(Classification { kind, also: Vec::new() });
        }
        // "What are we doing about it?" is "what we are doing about it".
        if let Some(kind) = as_statement(normalized).and_then(|s| self.match_phrase(&s, false)) {
            return Some(Classification { kind, also: Vec::new() });
        }
        if !loose && !self.by_first_word.contains_key(first_word(normalized)) {
            // A label must be made of known phrases, and its first is not one.
            return None;
        }
        // "Root Cause and Resolution", "Summary / impact": before a prefix
        // match, which would read only "Root Cause".
        let parts: Vec<Option<SectionKind>> = if COMBINED_SPLIT.is_match(normalized) {
            COMBINED_SPLIT.split(normalized).map(|part| self.match_phrase(part.trim(), loose)).collect()
        } else {
            vec![None]
        };
        if !loose && parts.iter().any(Option::is_none) {
            return None;
        }
        let mut kinds: Vec<SectionKind> = Vec::new();
        for kind in parts.into_iter().flatten() {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        if kinds.len() < 2
            && let Some(kind) = loose.then(|| self.match_phrase(normalized, true)).flatten()
        {
            return Some(Classification { kind, also: Vec::new() });
        }
        if let Some((&kind, also)) = kinds.split_first() {
            return Some(Classification { kind, also: also.to_vec() });
        }
        // A heading names its kind last in English and in CJK ("Response
        // timeline", "Customer impact", "発生原因"): the phrase it ends with.
        let kind = loose.then(|| self.match_ending(normalized)).flatten()?;
        Some(Classification { kind, also: Vec::new() })
    }

    /// The kind of the longest known phrase `normalized` ends with, after
    /// one or two words (or, in CJK, up to four characters). A phrase after
    /// a preposition is its object, not what the heading is: "Time to
    /// recovery" is a duration, not the resolution; and a longer heading
    /// is a title ("The slow dashboards on Oct 9: a retrospective").
    fn match_ending(&self, normalized: &str) -> Option<SectionKind> {
        const PREPOSITIONS: [&str; 14] = [
            "to", "of", "for", "from", "in", "on", "with", "by", "after", "before", "about", "into", "than", "without",
        ];
        let cjk = |c: char| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c);
        normalized
            .char_indices()
            .skip(1)
            .filter(|&(i, c)| {
                let before = &normalized[..i];
                let after_word = before.ends_with(' ')
                    && c != ' '
                    && before.matches(' ').count() <= 2
                    && !PREPOSITIONS.contains(&before.trim_end().rsplit(' ').next().unwrap_or(""));
                let in_cjk = cjk(c) && before.chars().all(cjk) && before.chars().count() <= 4;
                after_word || in_cjk
            })
            .find_map(|(i, _)| self.match_phrase(&normalized[i..], false))
    }

    fn match_phrase(&self, normalized: &str, allow_prefix: bool) -> Option<SectionKind> {
        let candidates = self.by_first_word.get(first_word(normalized))?;
        candidates.iter().find_map(|(phrase, kind)| {
            let hit = normalized == phrase
                || (allow_prefix
                    && normalized.strip_prefix(phrase.as_str()).is_some_and(|rest| {
                        rest.chars().next().is_some_and(|c| !c.is_alphanumeric() && c != '-' && c != '\'')
                    }));
            hit.then_some(*kind)
        })
    }
}

/// A question heading in the order of a statement: "what are we doing"
/// → "what we are doing", "why did it happen" → "why it did happen".
fn as_statement(question: &str) -> Option<String> {
    let mut words = question.split(' ');
    let (wh, aux, subject) = (words.next()?, words.next()?, words.next()?);
    let asks = ["what", "how", "why", "where", "when"].contains(&wh)
        && ["are", "is", "was", "were", "do", "did", "will", "have", "has"].contains(&aux)
        && ["we", "i", "it", "this", "they", "you"].contains(&subject);
    asks.then(|| [wh, subject, aux].into_iter().chain(words).collect::<Vec<_>>().join(" "))
}

/// What joins the parts of a combined heading ("Root Cause and Resolution").
static COMBINED_SPLIT: PerThread<Regex> =
    PerThread::new(|| Regex::new(r" and | & | \+ |/|,|、|・| et | und | y ").unwrap());

/// Marks that combine with the letter before them (a decomposed accent,
/// the vowel signs of Hindi and the other Indic and Thai scripts) are part
/// of the word, though not letters themselves; the danda ends a sentence.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{900}'..='\u{963}' | '\u{966}'..='\u{dff}' | '\u{e00}'..='\u{e7f}')
}

/// Lower-case, markup, numbering, emoji and parenthetical suffixes removed:
/// `## 3. Timeline (UTC):` → `timeline`. One pass, one allocation: it runs
/// on every heading and label of every file.
pub fn normalize_heading(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Inside (…), […], （…） or a CJK tag such as 【復旧】 ("resolved"),
    // which labels a title rather than naming a section.
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' | '（' | '【' | '〔' => depth += 1,
            ')' | ']' | '）' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '’' => out.push('\''),
            c if c.is_ascii_alphanumeric() || matches!(c, '/' | '&' | '+' | ',' | ';' | '\'' | '-') => {
                out.push(c.to_ascii_lowercase())
            }
            c if c.is_alphanumeric() || matches!(c, '、' | '・') || is_combining_mark(c) => {
                out.extend(c.to_lowercase())
            }
            _ => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    // Leading numbering: "3 timeline", "iv summary", the Chinese "四、处理过程".
    let first = out.split(' ').next().unwrap_or("");
    let numbered = !first.is_empty()
        && out.len() > first.len()
        && (first.chars().all(|c| c.is_ascii_digit())
            || ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"].contains(&first));
    let chinese_numeral =
        out.find('、').filter(|&at| at > 0 && out[..at].chars().all(|c| "一二三四五六七八九十0123456789".contains(c)));
    let start = match chinese_numeral {
        Some(at) => at + '、'.len_utf8(),
        None if numbered => first.len(),
        None => 0,
    };
    out[start..].trim_matches(|c: char| c == ' ' || c == '-' || c == ',' || c == ';').to_string()
}

/// A heading of the document, whatever its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub line: u32,
}

/// A `Label: value` line (plain or bold), known section or not: facts read
/// `Duration:`, `Severity:` and the like from these.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub name: String,
    /// The name normalised (`normalize_heading`), for lookups.
    pub key: String,
    pub value: String,
    pub line: u32,
}

/// What a source line is, for the stages that read lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Text,
    Heading,
    FencedCode,
    Table,
    Html,
}

/// The structure of one body.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub headings: Vec<Heading>,
    pub labels: Vec<Label>,
    pub sections: Vec<OutlineSection>,
    /// One entry per body line (index = line − 1).
    pub line_kinds: Vec<LineKind>,
    /// The words a reader sees, one line per block, raw HTML, headings and
    /// label names (`Duration:`) left out: what the static search indexes
    /// and quotes in its excerpts, which should quote prose. Read in this
    /// pass so that the bundle can be built beside the pages.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineSection {
    pub section: Section,
    /// Other kinds a combined heading ("Root Cause and Resolution") feeds.
    pub also: Vec<SectionKind>,
    /// Text after the label on the section's first line (`Root Cause: …`).
    pub value: String,
    /// 1–6 headings, 7 bold-only or bare label lines, 8 inline labels.
    pub level: u8,
}

impl Outline {
    /// The lines of a section's content with their line numbers: the label's
    /// value first, then every following line up to the section's end.
    pub fn content<'a>(&'a self, section: &'a OutlineSection, lines: &'a [&'a str]) -> Vec<(u32, &'a str)> {
        let mut out = Vec::new();
        if !section.value.is_empty() {
            out.push((section.section.line, section.value.as_str()));
        }
        let first = section.section.line as usize; // index of the next line
        let last = (section.section.end_line as usize).min(lines.len());
        for (idx, line) in lines.iter().enumerate().take(last).skip(first) {
            out.push((idx as u32 + 1, *line));
        }
        out
    }

    pub fn line_kind(&self, line: u32) -> LineKind {
        self.line_kinds.get(line.wrapping_sub(1) as usize).copied().unwrap_or(LineKind::Text)
    }
}

/// Byte offset → 1-based line number.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The index of a text from its lines (split at `\n`), which the caller
    /// has already: no second scan of the text.
    pub(crate) fn new(lines: &[&str]) -> Self {
        let starts = lines
            .iter()
            .scan(0, |start, line| {
                let this = *start;
                *start += line.len() + 1;
                Some(this)
            })
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        (self.starts.partition_point(|&s| s <= offset)) as u32
    }
}

/// What may stand before a bold label: a quote, a list marker, a task box,
/// then the opening `**` or `__`.
static BOLD_OPEN: PerThread<Regex> =
    PerThread::new(|| Regex::new(r"^\s*(?:>\s*)?(?:[-*+•]\s+|\d+[.)]\s+)?(?:\[[ xX]\]\s+)?(?:\*\*|__)").unwrap());
/// Rows of two-column tables (`| Start | 2024-09-10 08:40 KST |`) are
/// labels too: many reports keep their key facts in such a table.
fn table_labels(lines: &[&str], kinds: &[LineKind]) -> Vec<Label> {
    let mut labels = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        if kinds.get(i) != Some(&LineKind::Table) {
            continue;
        }
        let Some(cells) = table_cells(raw) else { continue };
        let [name, value] = cells.as_slice() else { continue };
        if name.is_empty() || value.is_empty() || name.chars().count() > 40 {
            continue;
        }
        labels.push(Label {
            key: normalize_heading(name),
            name: name.clone(),
            value: value.clone(),
            line: i as u32 + 1,
        });
    }
    labels
}

/// `- Root Cause: text` → (`Root Cause`, `text`): an optional list marker,
/// a name that starts with a letter and holds at most 60 more characters,
/// a colon (ASCII or full-width), the value.
fn split_label(raw: &str) -> Option<(&str, &str)> {
    let mut rest = raw.trim_start();
    let marker_end = if rest.starts_with(['-', '*', '+', '•', '=']) {
        rest.char_indices().nth(1).map(|(i, _)| i)
    } else {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
        (digits > 0 && rest[digits..].starts_with(['.', ')'])).then_some(digits + 1)
    };
    if let Some(end) = marker_end.filter(|e| rest[*e..].starts_with(char::is_whitespace)) {
        rest = rest[end..].trim_start();
    }
    let first = rest.chars().next()?;
    if !(first.is_alphabetic() || first == '_') {
        return None;
    }
    let colon = rest.find([':', '：'])?;
    let name = rest[..colon].trim_end();
    if name.chars().count() > 61 {
        return None;
    }
    let after = &rest[colon..];
    let value = after[after.chars().next()?.len_utf8()..].trim();
    Some((name, value))
}

#[derive(Clone)]
struct Marker {
    line: u32,
    level: u8,
    heading: String,
    /// `heading` normalised ([`normalize_heading`]).
    key: String,
    value: String,
    class: Option<Classification>,
}

/// "Root cause analysis: object storage outage", "Incident log — 2023": a
/// heading that names its subject after a colon or a dash, in two words or
/// more, or a year (the period a log or a review covers).
fn names_a_subject(heading: &str) -> bool {
    let names = |subject: &str| {
        let year = |w: &str| w.len() >= 4 && w.as_bytes()[..4].iter().all(u8::is_ascii_digit) && w[..4] > *"1969";
        subject.split_whitespace().nth(1).is_some() || subject.split_whitespace().next().is_some_and(year)
    };
    [": ", " - ", " – ", " — "].iter().any(|sep| heading.split_once(sep).is_some_and(|(_, subject)| names(subject)))
}

/// Read the structure of a markdown body (front matter already blanked);
/// `lines` are its lines, which the caller has split already. Every event
/// also goes to `links`, so that links and heading ids cost no second pass.
pub fn outline(body: &str, lines: &[&str], synonyms: &Synonyms, links: &mut Collector) -> Outline {
    let index = LineIndex::new(lines);
    let mut line_kinds = vec![LineKind::Text; lines.len()];
    let mut headings = Vec::new();
    let mut labels = Vec::new();
    let mut markers: Vec<Marker> = Vec::new();

    let mark_lines = |kinds: &mut Vec<LineKind>, range: &std::ops::Range<usize>, kind: LineKind| {
        let (a, b) = (index.line(range.start), index.line(range.end.saturating_sub(1).max(range.start)));
        for l in a..=b {
            if let Some(slot) = kinds.get_mut(l as usize - 1) {
                *slot = kind;
            }
        }
    };

    let mut heading: Option<(u8, u32, String)> = None;
    let mut line_start = false;
    let mut inline_depth = 0usize; // inside strong/emphasis/link when > 0
    let mut in_fence = false;
    let mut in_indented = false;
    let mut in_table = false;
    let mut last_label_line = 0u32;
    let mut words = String::with_capacity(body.len());
    // The label whose name leaves `words` once its line is read: where it starts, and the name.
    let mut label_at: Option<(usize, String)> = None;

    for (event, range) in Parser::new_ext(body, MARKDOWN_OPTIONS).into_offset_iter() {
        links.observe(&event, index.line(range.start));
        if heading.is_none() {
            collect_text(&event, &mut words);
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as u8, index.line(range.start), String::new()));
                mark_lines(&mut line_kinds, &range, LineKind::Heading);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, line, text)) = heading.take() {
                    let text = text.trim().to_string();
                    if !text.is_empty() {
                        let key = normalize_heading(&text);
                        // "# Root cause analysis: storage outage, 5 December
                        // 2017" opens the file with what it is and its
                        // subject: the title, not a section.
                        let titles_the_file = headings.is_empty() && level == 1 && names_a_subject(&text);
                        let class = (!titles_the_file).then(|| synonyms.classify_heading(&key, &text)).flatten();
                        headings.push(Heading { level, text: text.clone(), line });
                        markers.push(Marker { line, level, heading: text, key, value: String::new(), class });
                    }
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                in_fence = true;
                mark_lines(&mut line_kinds, &range, LineKind::FencedCode);
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => in_indented = true,
            Event::End(TagEnd::CodeBlock) => {
                in_fence = false;
                in_indented = false;
            }
            Event::Start(Tag::Table(_)) => {
                in_table = true;
                mark_lines(&mut line_kinds, &range, LineKind::Table);
            }
            Event::End(TagEnd::Table) => in_table = false,
            Event::Start(Tag::HtmlBlock) => mark_lines(&mut line_kinds, &range, LineKind::Html),
            Event::Start(Tag::Paragraph | Tag::Item) => {
                line_start = true;
                inline_depth = 0;
            }
            Event::SoftBreak | Event::HardBreak => line_start = true,
            Event::TaskListMarker(_) => {}
            Event::Start(Tag::Strong) if line_start && heading.is_none() && !in_table => {
                line_start = false;
                inline_depth += 1;
                let line = index.line(range.start);
                if line != last_label_line {
                    last_label_line = line;
                    if let Some(mut marker) =
                        bold_label(lines.get(line as usize - 1).copied().unwrap_or(""), line, synonyms)
                    {
                        drop_label_name(&mut words, label_at.take());
                        label_at = Some((words.len(), marker.heading.clone()));
                        let more = labels_after(&mut marker.value, line);
                        push_label(&mut labels, &mut markers, marker);
                        labels.extend(more);
                    }
                }
            }
            Event::Start(Tag::Emphasis) if line_start && heading.is_none() && !in_table => {
                line_start = false;
                inline_depth += 1;
                let line = index.line(range.start);
                if line != last_label_line
                    && let Some(marker) =
                        italic_label(lines.get(line as usize - 1).copied().unwrap_or(""), line, synonyms)
                {
                    last_label_line = line;
                    drop_label_name(&mut words, label_at.take());
                    label_at = Some((words.len(), marker.heading.clone()));
                    push_label(&mut labels, &mut markers, marker);
                }
            }
            Event::Start(Tag::Strong | Tag::Emphasis | Tag::Link { .. } | Tag::Strikethrough) => {
                line_start = false;
                inline_depth += 1;
            }
            Event::End(TagEnd::Strong | TagEnd::Emphasis | TagEnd::Link | TagEnd::Strikethrough) => {
                inline_depth = inline_depth.saturating_sub(1);
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, _, h)) = heading.as_mut() {
                    h.push_str(&text);
                } else if in_indented {
                    let first = index.line(range.start);
                    for (i, raw) in text.split('\n').enumerate() {
                        let line = first + i as u32;
                        if let Some(marker) = plain_label(raw, line, synonyms) {
                            push_label(&mut labels, &mut markers, marker);
                        }
                    }
                } else if line_start && !in_fence && !in_table && inline_depth == 0 {
                    let line = index.line(range.start);
                    if line != last_label_line {
                        last_label_line = line;
                        let raw = lines.get(line as usize - 1).copied().unwrap_or("");
                        if let Some(marker) = plain_label(raw, line, synonyms) {
                            drop_label_name(&mut words, label_at.take());
                            label_at = Some((words.len() - text.len(), marker.heading.clone()));
                            push_label(&mut labels, &mut markers, marker);
                        }
                    }
                }
                line_start = false;
            }
            Event::InlineHtml(_) | Event::Html(_) => line_start = false,
            _ => {}
        }
    }

    drop_label_name(&mut words, label_at);
    labels.extend(table_labels(lines, &line_kinds));
    labels.sort_by_key(|l| l.line);
    let total = lines.len() as u32;
    let mut sections = build_sections(&markers, total);
    for section in sections.iter_mut().filter(|s| s.section.kind == SectionKind::Other) {
        let body = lines.get(section.section.line as usize..section.section.end_line as usize).unwrap_or(&[]);
        if is_task_list(body) {
            section.section.kind = SectionKind::ActionItems;
        }
    }
    what_went_wrong_alone_is_the_cause(&mut sections, &markers);
    Outline { sections, headings, labels, line_kinds, text: words }
}

/// "What went wrong" beside "What went well" or "Where we got lucky" is a
/// lesson; alone, in a report that names its cause under no other
/// heading, it tells the cause.
fn what_went_wrong_alone_is_the_cause(sections: &mut [OutlineSection], markers: &[Marker]) {
    const WRONG: &str = "what went wrong";
    let paired =
        markers.iter().any(|m| (m.key != WRONG && m.key.starts_with("what went")) || m.key == "where we got lucky");
    if paired || sections.iter().any(|s| s.section.kind == SectionKind::RootCause) {
        return;
    }
    let wrong_lines: Vec<u32> = markers.iter().filter(|m| m.key == WRONG).map(|m| m.line).collect();
    for section in sections.iter_mut().filter(|s| wrong_lines.contains(&s.section.line)) {
        section.section.kind = SectionKind::RootCause;
    }
}

/// A section whose list is made of task boxes (`- [ ] page on errors`),
/// two or more, under a heading of its own words ("Fixes", "Next"), lists
/// what is to be done.
fn is_task_list(body: &[&str]) -> bool {
    static ITEM: PerThread<Regex> = PerThread::new(|| Regex::new(r"^\s*(?:[-*+]|\d+[.)])\s+(\[[ xX]\]\s)?").unwrap());
    let (items, tasks) = body
        .iter()
        .filter_map(|l| ITEM.captures(l))
        .fold((0, 0), |(items, tasks), caps| (items + 1, tasks + usize::from(caps.get(1).is_some())));
    tasks >= 2 && tasks * 2 > items
}

/// Leave a label's name out of the plain text, once its line is read:
/// `Duration: 2 h` reads `2 h`, and a line that is only a label goes.
fn drop_label_name(words: &mut String, label: Option<(usize, String)>) {
    let Some((at, name)) = label else { return };
    let Some(after) = words[at..].strip_prefix(name.as_str()) else { return };
    let value = after.trim_start_matches([':', '：', ' ', '\t']);
    let line_gone = value.starts_with('\n') && (at == 0 || words[..at].ends_with('\n'));
    let cut = words.len() - at - value.len() + usize::from(line_gone);
    words.replace_range(at..at + cut, "");
}

/// Record every label for facts; labels naming a section become markers.
fn push_label(labels: &mut Vec<Label>, markers: &mut Vec<Marker>, marker: Marker) {
    // Most labels name no section: their strings move into the label.
    if marker.class.is_some() {
        markers.push(marker.clone());
    }
    labels.push(Label { key: marker.key, name: marker.heading, value: marker.value, line: marker.line });
}

/// The other labels of a facts line, "**Date:** 27 March 2024 · **Duration:**
/// 34 minutes · **Author:** Ellis": each bold label after a `·`, `|` or `•`
/// is a label of its own, and `value` (the first one's) ends before it.
fn labels_after(value: &mut String, line: u32) -> Vec<Label> {
    let pieces: Vec<&str> = value.split(['·', '|', '•']).map(str::trim).collect();
    let mut more = Vec::new();
    for piece in pieces.iter().skip(1) {
        let Some(bold) = piece.strip_prefix("**") else { break };
        let Some((name, rest)) = bold.split_once(":**").or_else(|| bold.split_once("**:")) else { break };
        let (name, rest) = (name.trim(), rest.trim());
        if name.is_empty() || name.chars().count() > 40 {
            break;
        }
        more.push(Label { key: normalize_heading(name), name: name.to_string(), value: rest.to_string(), line });
    }
    if !more.is_empty() {
        *value = pieces[0].to_string();
    }
    more
}

/// `- **Root Cause:** text`, `**Issue Summary**`, `**Sévérité** : P1`.
fn bold_label(raw: &str, line: u32, synonyms: &Synonyms) -> Option<Marker> {
    // The bold text runs to the first closing `**` or `__` after at least
    // one character. Found by hand: a regex with captures for the whole
    // line costs ten times more.
    let bold = &raw[BOLD_OPEN.find(raw)?.end()..];
    let from = bold.chars().next()?.len_utf8();
    let close = [bold[from..].find("**"), bold[from..].find("__")].into_iter().flatten().min()? + from;
    let inner = bold[..close].trim();
    let rest = bold[close + 2..].trim();
    let (name, value, level) = if let Some(name) = inner.strip_suffix(':').or_else(|| inner.strip_suffix('：')) {
        (name.trim(), rest, if rest.is_empty() { 7 } else { 8 })
    } else if let Some(value) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：')) {
        (inner, value.trim(), if value.trim().is_empty() { 7 } else { 8 })
    } else if rest.is_empty() {
        // A bold-only line is a heading in all but name.
        (inner, "", 7)
    } else {
        // `**Fix.** Patched …`, `**tl;dr** the cron …`: a run-in heading,
        // when it names a known section.
        let name = inner.strip_suffix('.').unwrap_or(inner).trim();
        let key = normalize_heading(name);
        let class = synonyms.classify_key(&key, false)?;
        return Some(Marker {
            line,
            level: 8,
            heading: name.to_string(),
            key,
            value: rest.to_string(),
            class: Some(class),
        });
    };
    if name.is_empty() || name.chars().count() > 80 {
        return None;
    }
    let key = normalize_heading(name);
    let class = synonyms.classify_key(&key, true);
    Some(Marker { line, level, heading: name.to_string(), key, value: value.to_string(), class })
}

/// An italic label at the start of a line, its colon inside the italics
/// (`*Resolution:* rolled back`, `_Impact:_`), or a line that is nothing
/// but italics (Slack's bold, `*Why it broke*`): a label only when it
/// names a known section, since italics open many a sentence.
fn italic_label(raw: &str, line: u32, synonyms: &Synonyms) -> Option<Marker> {
    static ITALIC: PerThread<Regex> = PerThread::new(|| {
        Regex::new(r"^\s*(?:>\s*)?(?:[-+•]\s+|\d+[.)]\s+)?(?:\*([^*:：]{1,60})[:：]\*|_([^_:：]{1,60})[:：]_|\*([^*:：]{1,60})\*\s*$|_([^_:：]{1,60})_\s*$)\s*(.*)$")
            .unwrap()
    });
    let caps = ITALIC.captures(raw)?;
    let name = caps.get(1).or(caps.get(2)).or(caps.get(3)).or(caps.get(4))?.as_str().trim();
    let value = caps.get(5).map_or("", |m| m.as_str().trim());
    let key = normalize_heading(name);
    let class = synonyms.classify_key(&key, false)?;
    let level = if value.is_empty() { 7 } else { 8 };
    Some(Marker { line, level, heading: name.to_string(), key, value: value.to_string(), class: Some(class) })
}

/// `Root Cause: text`, or a line that is nothing but a section name
/// (`TIMELINE`, `Root Cause and Resolution`).
fn plain_label(raw: &str, line: u32, synonyms: &Synonyms) -> Option<Marker> {
    // A label's colon comes within its first words; most prose lines have
    // none, or one much later. (One search per colon: each is a fast byte
    // search, where a search for either is not.)
    let has_colon = [raw.find(':'), raw.find('：')].into_iter().flatten().min().is_some_and(|i| i <= 96);
    if let Some((name, value)) = has_colon.then(|| split_label(raw)).flatten() {
        // "Note: see http://…" and times ("Detected at 10:00") are not
        // labels; a longer name is one when it names a known section ("What
        // we are doing to prevent this:").
        let words = name.split_whitespace().count();
        if words > 10 || value.starts_with("//") {
            return None;
        }
        let key = normalize_heading(name);
        let class = synonyms.classify_key(&key, false);
        if words > 6 && class.is_none() {
            return None;
        }
        let level = if value.is_empty() { 7 } else { 8 };
        return Some(Marker { line, level, heading: name.to_string(), key, value: value.to_string(), class });
    }
    let trimmed = raw.trim().trim_end_matches(['.', ':']);
    if trimmed.is_empty() || trimmed.chars().count() > 60 {
        return None;
    }
    let key = normalize_heading(trimmed);
    let class = synonyms.classify_key(&key, false)?;
    Some(Marker { line, level: 7, heading: trimmed.to_string(), key, value: String::new(), class: Some(class) })
}

/// Markers → sections. A marker naming a known kind starts a section,
/// but for a summary heading nested in another known section ("### What
/// happened" under "## Root cause" tells the cause); an unknown heading
/// starts an `other` section only when it is not nested under the current
/// top-level section (so `### 13:35` stays inside `## Timeline`, and
/// `### Tracked tasks` inside `## Action Items`).
fn build_sections(markers: &[Marker], total_lines: u32) -> Vec<OutlineSection> {
    let mut sections: Vec<OutlineSection> = Vec::new();
    let mut parent_level = u8::MAX; // level of the outermost open section
    for (i, marker) in markers.iter().enumerate() {
        let nested = marker.level <= 6 && marker.level > parent_level;
        let parent_kind = sections.iter().rev().find(|s| s.level == parent_level).map(|s| s.section.kind);
        let starts_section = match &marker.class {
            Some(c) if c.kind == SectionKind::Summary && nested => {
                matches!(parent_kind, None | Some(SectionKind::Summary | SectionKind::Other))
            }
            Some(_) => true,
            // The first heading, when it names no section, is the document's
            // title.
            None => i > 0 && marker.level <= 6 && marker.level <= parent_level,
        };
        if !starts_section {
            continue;
        }
        if sections.is_empty() || marker.level <= parent_level || marker.class.is_none() {
            parent_level = marker.level;
        }
        if let Some(last) = sections.last_mut() {
            last.section.end_line = marker.line.saturating_sub(1).max(last.section.line);
        }
        let (kind, also) = match &marker.class {
            Some(c) => (c.kind, c.also.clone()),
            None => (SectionKind::Other, Vec::new()),
        };
        sections.push(OutlineSection {
            section: Section { kind, heading: marker.heading.clone(), line: marker.line, end_line: total_lines },
            also,
            value: marker.value.clone(),
            level: marker.level,
        });
    }
    sections
}

/// Add what `event` shows a reader to `text`, ending each block with a
/// line break so that words of two blocks never run together.
fn collect_text(event: &Event, text: &mut String) {
    match event {
        Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => text.push_str(t),
        Event::SoftBreak | Event::HardBreak => text.push(' '),
        Event::End(TagEnd::TableCell) => text.push(' '),
        Event::End(
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::CodeBlock
            | TagEnd::Item
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition,
        ) if !text.ends_with('\n') => text.push('\n'),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Outline {
        outline(body, &body.split('\n').collect::<Vec<_>>(), &Synonyms::new(&[]), &mut Collector::new(&[]))
    }

    #[test]
    fn the_plain_text_keeps_words_apart_and_leaves_markup_out() {
        let body = "# Title\n\nThe **disk** filled\nup.\n\n| a | b |\n|---|---|\n| `x` | y |\n\n<div>raw</div>\n";
        assert_eq!(read(body).text, "The disk filled up.\na b \nx y \n");
    }

    #[test]
    fn the_plain_text_leaves_headings_and_label_names_out() {
        let body = "# Outage\n\n## Issue Summary:\n- **Duration:** two hours.\n- **Impact**: 30% of users.\n\n\
                    Root Cause: a bug.\n\nTimeline:\n\n- 10:00 paged\n";
        assert_eq!(read(body).text, "two hours.\n30% of users.\na bug.\n10:00 paged\n");
    }

    fn kinds(body: &str) -> Vec<(String, u32, String)> {
        read(body)
            .sections
            .iter()
            .map(|s| (s.section.kind.to_string(), s.section.line, s.section.heading.clone()))
            .collect()
    }

    /// Each section's kind and line.
    fn kinds_at(body: &str) -> Vec<(&'static str, u32)> {
        read(body).sections.iter().map(|s| (s.section.kind.as_str(), s.section.line)).collect()
    }

    #[test]
    fn headings_map_to_canonical_kinds_whatever_their_decoration() {
        let s = Synonyms::new(&[]);
        let kind = |h: &str| s.classify(h).map(|c| c.kind);
        assert_eq!(kind("Issue Summary:"), Some(SectionKind::Summary));
        assert_eq!(kind("3. Timeline (GMT+ 1)"), Some(SectionKind::Timeline));
        assert_eq!(kind("Root Cause Analysis"), Some(SectionKind::RootCause));
        assert_eq!(kind("Corrective and Preventative Measures"), Some(SectionKind::ActionItems));
        assert_eq!(kind("Lessons learnt"), Some(SectionKind::LessonsLearned));
        assert_eq!(kind("## タイムライン"), Some(SectionKind::Timeline));
        assert_eq!(kind("Cause racine"), Some(SectionKind::RootCause));
        assert_eq!(kind("Postmortem: Outage Incident Report"), None);
        assert_eq!(kind("Impacted users"), None);
        // The kind named last, as English and CJK headings name it.
        assert_eq!(kind("Response timeline (CEST)"), Some(SectionKind::Timeline));
        assert_eq!(kind("Customer impact"), Some(SectionKind::Impact));
        assert_eq!(kind("発生原因"), Some(SectionKind::RootCause));
        assert_eq!(kind("対応経緯"), Some(SectionKind::Timeline));
        assert_eq!(kind("## 四、处理过程"), Some(SectionKind::Timeline));
        assert_eq!(kind("## Why it took nine hours to notice"), Some(SectionKind::Detection));
        assert_eq!(kind("## Why did it happen?"), Some(SectionKind::RootCause));
        assert_eq!(kind("## Why your invoices were late"), None);
        assert_eq!(kind("## Acções"), Some(SectionKind::ActionItems));
        assert_eq!(kind("三、根因分析"), Some(SectionKind::RootCause));
        assert_eq!(kind("## 五、改进措施"), Some(SectionKind::ActionItems));
        assert_eq!(kind("Time to recovery"), None);
        assert_eq!(kind("What's up with the slow dashboards on Oct 9? A quick retrospective"), None);
        // A heading that names its kind only in brackets.
        assert_eq!(kind("Whodunnit (Root Cause)"), Some(SectionKind::RootCause));
        assert_eq!(kind("The Crime Scene (Issue Summary)"), Some(SectionKind::Summary));
        assert_eq!(kind("Never Again (Corrective and Preventative Measures)"), Some(SectionKind::ActionItems));
        assert_eq!(kind("Replica lag (primary cluster)"), None);
        // A CJK tag labels a title ("[resolved] card payments failed"),
        // unless it is all the heading says.
        assert_eq!(kind("# 【復旧】クレジットカード決済がご利用いただけない事象について"), None);
        assert_eq!(kind("## 【原因】"), Some(SectionKind::RootCause));
        // Polish.
        assert_eq!(kind("Oś czasu"), Some(SectionKind::Timeline));
        assert_eq!(kind("Przyczyna źródłowa"), Some(SectionKind::RootCause));
        assert_eq!(kind("Działania naprawcze"), Some(SectionKind::ActionItems));
    }

    #[test]
    fn combined_heading_feeds_both_kinds() {
        let c = Synonyms::new(&[]).classify("Root Cause and Resolution:").unwrap();
        assert_eq!(c.kind, SectionKind::RootCause);
        assert_eq!(c.also, vec![SectionKind::Resolution]);
        let c = Synonyms::new(&[]).classify("Summary / impact").unwrap();
        assert_eq!((c.kind, c.also), (SectionKind::Summary, vec![SectionKind::Impact]));
    }

    #[test]
    fn site_synonyms_extend_the_built_in_ones() {
        let s = Synonyms::new(&[("Hergang".into(), SectionKind::Summary)]);
        assert_eq!(s.classify("Hergang:").map(|c| c.kind), Some(SectionKind::Summary));
        assert_eq!(Synonyms::new(&[]).classify("Hergang:"), None);
    }

    #[test]
    fn headings_in_other_languages_and_plain_words() {
        let s = Synonyms::new(&[]);
        let kind = |h: &str| s.classify(h).map(|c| c.kind);
        assert_eq!(kind("Was lernen wir daraus?"), Some(SectionKind::LessonsLearned));
        assert_eq!(kind("Ce qu'on a changé"), Some(SectionKind::ActionItems));
        assert_eq!(kind("Tindakan Perbaikan (action items)"), Some(SectionKind::ActionItems));
        assert_eq!(kind("대응 조치"), Some(SectionKind::Resolution));
        assert_eq!(kind("Time to recovery"), None);
        assert_eq!(kind("What's up with the slow dashboards on Oct 9? A quick retrospective"), None);
        assert_eq!(kind("Why did this happen?"), Some(SectionKind::RootCause));
        assert_eq!(kind("What caused the outage?"), Some(SectionKind::RootCause));
        assert_eq!(kind("How did we fix it?"), Some(SectionKind::Resolution));
        assert_eq!(kind("What are we doing to prevent this?"), Some(SectionKind::ActionItems));
        assert_eq!(kind("What are we doing about it?"), Some(SectionKind::ActionItems));
        assert_eq!(kind("How we got there"), Some(SectionKind::RootCause));
        assert_eq!(kind("Azioni"), Some(SectionKind::ActionItems));
        let c = s.classify("Lessons Learned and Future Improvements").unwrap();
        assert_eq!((c.kind, c.also), (SectionKind::LessonsLearned, vec![SectionKind::ActionItems]));
    }

    #[test]
    fn a_summary_heading_inside_another_section_is_part_of_it() {
        let body = "# Title

## Root cause

### What happened

The migration locked the table.

## Summary

### Overview

It broke.
";
        assert_eq!(kinds_at(body), [("root_cause", 3), ("summary", 9), ("summary", 11)]);
    }

    #[test]
    fn a_title_that_says_what_the_file_is_and_its_subject_is_no_section() {
        let body =
            "# Root cause analysis: storage outage in OSL1\n\n## Summary\n\nDisks failed.\n\n## Root cause\n\nPower.\n";
        assert_eq!(kinds_at(body), [("summary", 3), ("root_cause", 7)]);
        // A first heading that is a section stays one.
        assert_eq!(kinds("# Root Cause Analysis\n\nPower.\n")[0].0, "root_cause");
        // "— 2023": the year a log covers is its subject.
        assert!(
            kinds("# Incident log — 2023\n\n| Date | Summary |\n|---|---|\n| 2023-01-09 | Slow search |\n").is_empty()
        );
    }

    #[test]
    fn atx_setext_bold_and_plain_labels_all_make_sections() {
        let body = "# Title\n\nSummary\n=======\n\ntext\n\n**Impact**\n\nmany users\n\n- **Root Cause:** a bug\n\nTimeline:\n\n9:00 AM: detected\n\nAction Items\n------------\n- fix it\n";
        assert_eq!(
            kinds_at(body),
            vec![("summary", 3), ("impact", 8), ("root_cause", 12), ("timeline", 14), ("action_items", 18)]
        );
    }

    #[test]
    fn italic_labels_that_name_a_section_and_repair_items() {
        let body = "# Outage\n\n*Resolution:* we rolled back.\n\n_Impact:_\n\nhalf of users\n\n*Note:* not a section.\n\n*Really* not one either.\n\n## Repair items\n\n- alert on it\n\n## Post-incident actions\n\n- test it\n";
        assert_eq!(kinds_at(body), vec![("resolution", 3), ("impact", 5), ("action_items", 13), ("action_items", 17)]);
        // Slack's bold is one asterisk: a line of nothing but italics.
        let slack = "*#inc-search* — summary\n\n*Why it broke*\nThe job promoted the flag.\n\n*Follow-ups*\n1. Fix it\n\n*Thanks, all*\n";
        assert_eq!(kinds_at(slack), vec![("root_cause", 3), ("action_items", 6)]);
    }

    #[test]
    fn ukrainian_russian_swedish_turkish_vietnamese_and_hindi_headings() {
        for (heading, kind) in [
            ("Короткий опис", SectionKind::Summary),
            ("Хронологія", SectionKind::Timeline),
            ("Першопричина", SectionKind::RootCause),
            ("Фактори, що сприяли", SectionKind::ContributingFactors),
            ("Відновлення", SectionKind::Resolution),
            ("Заходи", SectionKind::ActionItems),
            ("Висновки", SectionKind::LessonsLearned),
            ("Первопричина", SectionKind::RootCause),
            ("Обнаружение", SectionKind::Detection),
            ("Åtgärder under incidenten", SectionKind::Resolution),
            ("Fortsatta åtgärder", SectionKind::ActionItems),
            ("Lärdomar", SectionKind::LessonsLearned),
            ("Kök neden", SectionKind::RootCause),
            ("Alınan dersler", SectionKind::LessonsLearned),
            ("Nguyên nhân gốc", SectionKind::RootCause),
            ("Dòng thời gian", SectionKind::Timeline),
            ("Bài học kinh nghiệm", SectionKind::LessonsLearned),
            ("समयरेखा (IST)", SectionKind::Timeline),
            ("मूल कारण", SectionKind::RootCause),
            ("योगदान देने वाले कारक", SectionKind::ContributingFactors),
            ("आगे की कार्रवाई", SectionKind::ActionItems),
        ] {
            assert_eq!(Synonyms::new(&[]).classify(heading).map(|c| c.kind), Some(kind), "{heading}");
        }
    }

    #[test]
    fn a_section_of_task_boxes_lists_action_items() {
        let body = "# Outage\n\n## Fixes\n\n- [x] fix the leak\n- [ ] page on errors\n\n## Notes\n\n- [x] one box\n- a remark\n- another\n";
        assert_eq!(kinds_at(body), vec![("action_items", 3), ("other", 8)]);
    }

    #[test]
    fn portuguese_spanish_and_russian_headings() {
        let body = "# Falha\n\n## Resumo\n\na\n\n## Linha do tempo\n\nb\n\n## Cronología\n\nc\n\n## Ações corretivas\n\nd\n\n## Выводы\n\ne\n";
        assert_eq!(
            kinds_at(body),
            vec![("summary", 3), ("timeline", 7), ("timeline", 11), ("action_items", 15), ("lessons_learned", 19)]
        );
    }

    #[test]
    fn nested_unknown_headings_stay_in_their_section() {
        let body = "# Outage\n\n## Timeline\n\nAll times in PST\n\n### 13:35\n\nDeployed.\n\n### 13:44\n\nBroken.\n\n## Conclusion\n\nDone.\n";
        let o = read(body);
        let got: Vec<_> = o.sections.iter().map(|s| (s.section.kind, s.section.line, s.section.end_line)).collect();
        assert_eq!(got, vec![(SectionKind::Timeline, 3, 14), (SectionKind::Other, 15, 18)]);
    }

    #[test]
    fn labels_in_code_fences_are_not_sections_but_indented_blocks_are_read() {
        let body = "```\nRoot Cause: not a section\n```\n\nIssue Summary:\n\n    Duration: 2 hours\n    Root Cause: load balancer\n";
        assert_eq!(kinds_at(body), vec![("summary", 5), ("root_cause", 8)]);
        let o = read(body);
        assert!(o.labels.iter().any(|l| l.name == "Duration" && l.value == "2 hours" && l.line == 7));
    }

    #[test]
    fn label_value_and_content_lines() {
        let body = "Issue Summary: On May 15 it broke.\nMore text.\n\nTimeline:\n";
        let o = read(body);
        let lines: Vec<&str> = body.split('\n').collect();
        let first = &o.sections[0];
        assert_eq!(first.value, "On May 15 it broke.");
        let content = o.content(first, &lines);
        assert_eq!(content[0], (1, "On May 15 it broke."));
        assert_eq!(content[1], (2, "More text."));
    }

    #[test]
    fn run_in_bold_headings_and_long_labels_that_name_a_section() {
        let body = "**tl;dr** the cron deleted uploads.\n\n**Fix.** Patched the job.\n\n**Database** failover was slow.\n\nWhat we are doing to prevent this:\n- a daily check\n\nWe went over every single one of the hosts: none\n";
        assert_eq!(kinds_at(body), [("summary", 1), ("resolution", 3), ("action_items", 7)]);
    }

    #[test]
    fn what_went_wrong_is_the_cause_alone_and_a_lesson_beside_what_went_well() {
        let section_kinds = |body: &str| kinds_at(body).into_iter().map(|(kind, _)| kind).collect::<Vec<_>>();
        let alone = "# Broken build\n\n## Timeline\n\n- 10:00 shipped\n\n## What went wrong\n\nThe script ran first.\n";
        assert_eq!(section_kinds(alone), ["timeline", "root_cause"]);
        let paired = "# Broken build\n\n## What went well\n\nFast revert.\n\n## What went wrong\n\nSlow paging.\n";
        assert_eq!(section_kinds(paired), ["lessons_learned", "lessons_learned"]);
        let caused = "# Broken build\n\n## Root cause\n\nThe script.\n\n## What went wrong\n\nSlow paging.\n";
        assert_eq!(section_kinds(caused), ["root_cause", "lessons_learned"]);
    }

    #[test]
    fn french_bold_labels_with_spaced_colon() {
        let body = "**Sévérité** : P1  \n**Durée** : 4h12\n";
        let o = read(body);
        let labels: Vec<_> = o.labels.iter().map(|l| (l.name.as_str(), l.value.as_str(), l.line)).collect();
        assert_eq!(labels, vec![("Sévérité", "P1", 1), ("Durée", "4h12", 2)]);
    }

    #[test]
    fn a_facts_line_holds_several_bold_labels() {
        let body = "**Date:** 27 March 2024 · **Duration:** 34 minutes | **Sev:** 1\n**Note:** a · b\n";
        let o = read(body);
        let labels: Vec<_> = o.labels.iter().map(|l| (l.name.as_str(), l.value.as_str(), l.line)).collect();
        assert_eq!(
            labels,
            vec![("Date", "27 March 2024", 1), ("Duration", "34 minutes", 1), ("Sev", "1", 1), ("Note", "a · b", 2)]
        );
    }
}
