// The course website's search (Sphinx's html_search_scorer; loaded after searchtools.js on every page).
// Every matching lecture comes before every matching exercise, and every exercise before every solution (a
// bonus larger than any score Sphinx gives); the landing and run-it-yourself pages rank with the lectures.
// Each page is listed once, at its best match (Sphinx lists a page once per matching section).
const COURSE_FOLDER_BONUS = { "notebooks/": 60, "exercises/": 30, "solutions/": 0 };
const COURSE_OTHER_PAGES_BONUS = 60;

Scorer.score = (result) => {
  const [docname, , , , score] = result;
  const folder = Object.keys(COURSE_FOLDER_BONUS).find((prefix) => docname.startsWith(prefix));
  return score + (folder === undefined ? COURSE_OTHER_PAGES_BONUS : COURSE_FOLDER_BONUS[folder]);
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
