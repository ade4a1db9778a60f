/** Characters of a message that go into the search vector. */
export const SEARCH_TEXT_MAX = 20_000;
