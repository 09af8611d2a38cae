// The course website's search (Sphinx's html_search_scorer; loaded after searchtools.js on every page).
// Every matching lecture comes before every matching exercise, and every exercise before every solution: a bonus
// larger than any score Sphinx gives (at most 16); the run-it-yourself page ranks with the lectures, the landing
// page (which mentions every topic) with the exercises. Among pages of one kind, a page whose title has more of
// the query's words comes first (Sphinx scores a page by its best word only). Each page is listed once, at its
// best match (Sphinx lists a page once per matching section), and its excerpt comes from the page's article, not
// from the theme's buttons.
const COURSE_FOLDER_BONUS = { "notebooks/": 60, "exercises/": 30, "solutions/": 0, "index": 30 };
const COURSE_OTHER_PAGES_BONUS = 60;
const COURSE_TITLE_WORD_BONUS = 3; // per query word in the page title, at most 3 words: below the gap of 30

const courseQueryWords = () => {
  const query = new URLSearchParams(window.location.search).get("q") || "";
  return query.toLowerCase().split(/\s+/).filter((word) => word.length > 2).slice(0, 3);
};

Scorer.score = (result) => {
  const [docname, title, , , score] = result;
  const folder = Object.keys(COURSE_FOLDER_BONUS).find((prefix) => docname.startsWith(prefix));
  const bonus = folder === undefined ? COURSE_OTHER_PAGES_BONUS : COURSE_FOLDER_BONUS[folder];
  const page = String(title).split(" > ")[0].toLowerCase();
  const words = courseQueryWords().filter((word) => page.includes(word)).length;
  return score + bonus + COURSE_TITLE_WORD_BONUS * words;
};

const courseAllMatches = Search._performSearch;
Search._performSearch = (...args) => {
  // The results come weakest first (the page shows them from the end): keep each page's last entry.
  const results = courseAllMatches(...args);
  const seen = new Set();
  const kept = [];
  for (let index = results.length - 1; index >= 0; index -= 1) {
    if (!seen.has(results[index][0])) {
      seen.add(results[index][0]);
      kept.push(results[index]);
    }
  }
  return kept.reverse();
};

const courseMainText = Search.htmlToText;
Search.htmlToText = (htmlString, anchor) => {
  const page = new DOMParser().parseFromString(htmlString, "text/html");
  const article = page.querySelector("article");
  if (article === null) return courseMainText(htmlString, anchor);
  article.querySelectorAll(".headerlink, script, style").forEach((element) => element.remove());
  const section = anchor ? article.querySelector(anchor) : null;
  return (section || article).textContent;
};
