// The intro page's line of the book's self-check progress (tools/book_site.py adds this
// script, and the chapters' question ids, where the page has a <div class="sb-progress">).
// Chapter pages need no script of their own: their questions' code draws their line.
import { mountProgress } from "./vendor/quiz-store.js";

mountProgress(document);
