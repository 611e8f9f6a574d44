"""Drive a rendered widget with the keyboard and compare what it shows with softmaxbook.

Each check takes the page and the widget's root element (``.sb-widget``), reads the
current inputs back from the controls (so it works whatever the widget started with),
moves one control with the keyboard, and asserts the numbers shown equal the package's.
"""

import re

import numpy as np
from numpy.testing import assert_allclose

import softmaxbook as sb

SHOWN = 5e-6  # the widgets print 6 significant digits


def numbers(text):
    """Every number in a text, in order ('nan' and 'inf' included)."""
    return [float(x) for x in re.findall(r"-?(?:\d+\.?\d*(?:e[-+]?\d+)?|nan|inf)", text)]


def press(page, root, label, key, times=1):
    """Focus a control by its label ("last logit": the last of the logit sliders) and press keys."""
    control = (root.locator("input[aria-label^='logit ']").last if label == "last logit"
               else root.get_by_label(label, exact=True))
    control.focus()
    for _ in range(times):
        page.keyboard.press(key)


def logits(root):
    sliders = root.locator("input[aria-label^='logit ']")
    return np.array([float(sliders.nth(i).input_value()) for i in range(sliders.count())])


def readout(root, nth=0):
    return numbers(root.locator(".sb-readout").nth(nth).inner_text())


def accessible_value(page):
    """The value Chromium's accessibility tree gives the focused slider (what a screen reader
    reads), as a number."""
    cdp = page.context.new_cdp_session(page)
    try:
        focused = [n for n in cdp.send("Accessibility.getFullAXTree")["nodes"]
                   if any(q["name"] == "focused" and q["value"]["value"] for q in n.get("properties", []))]
        (node,) = [n for n in focused if n.get("role", {}).get("value") == "slider"]
        return node["value"]["value"]
    finally:
        cdp.detach()


def check_softmax_explorer(page, root):
    press(page, root, "logit B", "ArrowRight", 3)
    T = 10 ** float(root.get_by_label("temperature T", exact=True).input_value())
    assert_allclose(readout(root), sb.softmax(logits(root) / T), rtol=SHOWN, atol=1e-300)
    press(page, root, "temperature T", "End")  # T = 100: nearly uniform
    t_slider = root.get_by_label("temperature T", exact=True)
    shown_t = t_slider.locator("xpath=following-sibling::output")
    assert shown_t.inner_text() == "100"  # once shown as "1": the zeros of 100 were stripped
    assert t_slider.get_attribute("aria-valuetext") == "100"  # announced as T, not as log10 T = 2
    assert accessible_value(page) == 100  # Chromium's value too (it read the position, 2)
    assert_allclose(readout(root), sb.softmax(logits(root) / 100), rtol=SHOWN)
    bars = numbers(" ".join(root.locator(".sb-bars .sb-num").all_text_contents()))
    assert_allclose(bars, sb.softmax(logits(root) / 100), rtol=SHOWN)


def check_overflow_lab(page, root):
    rows = root.locator(".sb-table tr")

    def table():
        return {rows.nth(r).locator("th").inner_text(): numbers(" ".join(rows.nth(r).locator("td").all_text_contents()))
                for r in range(1, 5)}

    press(page, root, "pushed logit z₀", "Home")
    press(page, root, "pushed logit z₀", "PageUp")  # 10% of the range: z₀ = 100
    z = np.array(numbers(root.locator(".sb-logits").inner_text()))
    assert z[0] == 100
    t = table()
    assert np.isnan(t["naive float32"]).any() and not np.isnan(t["naive float64"]).any()
    assert_allclose(t["naive float64"], sb.softmax(z), rtol=SHOWN, atol=1e-300)
    press(page, root, "pushed logit z₀", "End")  # z₀ = 1000: float64 overflows too
    z = np.array(numbers(root.locator(".sb-logits").inner_text()))
    t = table()
    assert_allclose(t["naive float64"], sb.naive_softmax(z), rtol=SHOWN)  # nan where numpy's is
    assert_allclose(t["stable float64"], sb.softmax(z), rtol=SHOWN, atol=1e-300)
    assert_allclose(t["stable float32"], sb.softmax(z.astype(np.float32)), rtol=SHOWN, atol=1e-30)
    assert root.locator(".sb-broken").count() >= 2


def check_jacobian_view(page, root):
    # rows named as the caption names them: ŷ with the class as a subscript (they read "sA")
    names = [s.get_attribute("aria-label")[len("logit "):] for s in root.locator("input[aria-label^='logit ']").all()]
    assert root.locator(".sb-heat th[scope=row]").all_inner_texts() == [f"ŷ{n}" for n in names]
    assert root.locator(".sb-heat th[scope=row] sub").all_inner_texts() == names
    press(page, root, "last logit", "ArrowLeft", 10)
    z = logits(root)
    cells = numbers(" ".join(root.locator(".sb-heat td.sb-cell").all_text_contents()))
    J = sb.softmax_jacobian(z)
    assert_allclose(np.reshape(cells, J.shape), J, rtol=5e-3, atol=1e-6)  # 3 digits shown
    assert_allclose(readout(root), sb.softmax(z), rtol=SHOWN)


def check_loss_curve(page, root):
    press(page, root, "probability of the true class ŷc", "ArrowLeft", 100)
    p, loss = readout(root)
    assert p == float(root.get_by_label("probability of the true class ŷc", exact=True).input_value())
    assert_allclose(loss, sb.cross_entropy_from_probs(0, [p, 1 - p]), rtol=SHOWN)


def check_gradient_explorer(page, root):
    press(page, root, "true class", "ArrowDown")
    press(page, root, "last logit", "ArrowRight", 20)
    z, label = logits(root), int(root.get_by_label("true class", exact=True).input_value())
    shown = readout(root)
    assert_allclose(shown[0], sb.cross_entropy(z, label), rtol=SHOWN)
    k = z.size
    assert_allclose(shown[1:1 + k], sb.cross_entropy_grad(z, label), rtol=SHOWN, atol=1e-300)
    assert_allclose(shown[1 + k:], sb.softmax(z), rtol=SHOWN)  # the probabilities, as text too
    bars = numbers(" ".join(root.locator(".sb-bars").nth(0).locator(".sb-num").all_text_contents()))
    assert_allclose(bars, sb.softmax(z), rtol=SHOWN)


# The stored logits and labels of every reliability diagram on the page, from the widget state
# the page holds (they are data, not controls).
RELIABILITY_DATA = """() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')]
  .flatMap((s) => Object.values(JSON.parse(s.textContent).state)).map((m) => m.state)
  .filter((s) => "n_bins" in s && "logits" in s).map((s) => [s.logits, s.labels])"""


def _reliability_fits(z, y, T, M, shown, label):
    """Whether the numbers shown (T, ECE, NLL, accuracy) and drawn (the aria-label: M, then per
    bin its number, confidence, accuracy and count) are softmaxbook's for logits z, labels y."""
    probs = sb.softmax(z / T)
    want = [sb.expected_calibration_error(probs, y, M), sb.cross_entropy(z / T, y), np.mean(probs.argmax(1) == y)]
    conf, acc, count = sb.reliability_curve(probs, y, M)
    drawn = numbers(label)
    return (np.allclose(shown[1:], want, rtol=SHOWN, atol=1e-12) and len(drawn) == 1 + 4 * len(count)
            and np.allclose(np.reshape(drawn[1:], (-1, 4))[:, 1:], np.column_stack([conf, acc, count]),
                            rtol=5e-3, atol=1e-12))


def check_reliability_diagram(page, root):
    data = [(np.array(z), np.array(y)) for z, y in page.evaluate(RELIABILITY_DATA)]
    for key, times in (("ArrowLeft", 30), ("End", 1)):  # T down by 10^0.3, then T = 10
        press(page, root, "temperature T", key, times)
        if key == "End":
            assert accessible_value(page) == 10  # T, not log10 T = 1
        press(page, root, "bins M", "ArrowLeft", 5)
        T = 10 ** float(root.get_by_label("temperature T", exact=True).input_value())
        M = int(root.get_by_label("bins M", exact=True).input_value())
        shown = readout(root)
        label = root.locator("svg[role='img']").get_attribute("aria-label")
        assert any(_reliability_fits(z, y, T, M, shown, label) for z, y in data), (T, M, shown, label)


# What the online normaliser shows, read in one call to the browser: the logits (from their
# sliders) and the step t, the step's sentence (whether it says the sum was rescaled, and by
# what), the two readouts, and per row of the table its classes and cells.
ONLINE_SHOWN = """(root) => ({
  z: [...root.querySelectorAll("input[aria-label^='logit ']")].map((s) => Number(s.value)),
  t: Number(root.querySelector("input[aria-label='logits streamed in, t']").value),
  note: root.querySelector(".sb-step").className, factor: root.querySelector(".sb-step .sb-factor")?.textContent,
  online: root.querySelector(".sb-online").textContent, exact: root.querySelector(".sb-exact").textContent,
  rows: [...root.querySelectorAll(".sb-steps tr")].slice(1).map((tr) => ({
    cls: tr.className.split(" "), cells: [...tr.querySelectorAll("td")].map((td) => td.textContent) })),
})"""


def _online_fits(shown):
    """The online normaliser's numbers for its first t logits are softmaxbook's."""
    z, t = np.array(shown["z"]), shown["t"]
    grew = [j for j in range(2, t + 1) if z[j - 1] > z[:j - 1].max()]  # the steps where the max grew
    parts = [sb.partial_logsumexp(z[:j]) for j in range(1, t + 1)]
    if t == 0:
        assert numbers(shown["online"]) == [-np.inf, 0, -np.inf] and numbers(shown["exact"]) == []
    else:
        lse = sb.logsumexp(z[:t])
        assert_allclose(numbers(shown["online"]), [parts[-1].max, parts[-1].sum_exp, lse], rtol=SHOWN)
        *exact, differs = numbers(shown["exact"])
        assert_allclose(exact, [parts[-1].max, parts[-1].sum_exp, lse], rtol=SHOWN)
        assert differs <= 1e-12 * max(1, abs(lse))  # one pass or two: the same to rounding
    assert ("sb-rescaled" in shown["note"]) == (t in grew), (t, grew, shown["note"])
    if t in grew:
        assert_allclose(float(shown["factor"]), np.exp(parts[-2].max - parts[-1].max), rtol=SHOWN)
    assert len(shown["rows"]) == z.size
    for j, row in enumerate(shown["rows"], start=1):
        assert ("sb-pending" in row["cls"]) == (j > t) and ("sb-current" in row["cls"]) == (j == t)
        assert ("sb-rescaled" in row["cls"]) == (j in grew)
        z_j, m, rescale, d = row["cells"]
        assert_allclose(float(z_j), z[j - 1], rtol=5e-4)  # 4 digits in the table
        if j <= t:
            p = parts[j - 1]
            assert_allclose([float(m), float(d)], [p.max, p.sum_exp], rtol=5e-4)
            want = [np.exp(parts[j - 2].max - p.max)] if j in grew else []
            assert_allclose(numbers(rescale), want, rtol=5e-4)


def check_online_normaliser(page, root):
    # every step from none to all K, then a logit moved: what grows the max changes
    press(page, root, "logits streamed in, t", "Home")
    for t in range(len(root.evaluate(ONLINE_SHOWN)["z"]) + 1):
        if t:
            page.keyboard.press("ArrowRight")  # the step slider keeps the focus
        shown = root.evaluate(ONLINE_SHOWN)
        assert shown["t"] == t
        _online_fits(shown)
    press(page, root, "logit B", "PageUp")  # 10% of its range: +2
    _online_fits(root.evaluate(ONLINE_SHOWN))


# The check for a widget, by the title it shows.
CHECKS = {
    "Softmax explorer": check_softmax_explorer,
    "Overflow lab": check_overflow_lab,
    "Softmax Jacobian": check_jacobian_view,
    "Cross-entropy loss −ln p": check_loss_curve,
    "Gradient of cross-entropy: ŷ − y": check_gradient_explorer,
    "Reliability diagram and ECE": check_reliability_diagram,
    "Online normaliser: log-sum-exp in one pass": check_online_normaliser,
}


def answer(page, root, q, right=True, keys=False):
    """Answer question `q` (its bank entry) in its widget, `root`, with the keyboard: its right
    answer, or a wrong one (a wrong option, a number far off, or its first listed mistake).
    A typed answer goes in as one text input (as a paste or an input method does), or, with
    `keys`, one key press per character (some 0.1 s each under Playwright: used where the
    keys themselves are the point). Return the feedback's verdict once it has one."""
    if q["kind"] == "choice":
        boxes = root.locator("input")
        for k, option in enumerate(q["options"]):
            box = boxes.nth(k)
            wanted = option["right"] if right else k == next(i for i, o in enumerate(q["options"]) if not o["right"])
            if box.is_checked() != wanted and (wanted or box.get_attribute("type") == "checkbox"):
                box.focus()
                page.keyboard.press("Space")
        root.locator("button.sb-check").focus()
        page.keyboard.press("Enter")
    else:
        if q["kind"] == "number":
            text = (f"{q['answer']:.{q['decimals']}f}" if "decimals" in q else repr(q["answer"])) if right \
                else repr(q["answer"] + 1000 * (q["tolerance"] + q["relative"] * abs(q["answer"])) + 7)
        else:
            text = q["answer"] if right else q["mistakes"][0]["form"]
        box = root.locator("input[type=text]")
        box.focus()
        page.keyboard.press("Control+A")
        (page.keyboard.type if keys else page.keyboard.insert_text)(text)
        page.keyboard.press("Enter")
    feedback = root.locator(".sb-feedback")
    page.wait_for_function("(f) => ['right', 'wrong', 'unreadable'].includes(f.dataset.verdict)",
                           arg=feedback.element_handle(), timeout=20_000)
    return feedback.get_attribute("data-verdict")


def check_question(page, root):
    """A self-check question: the testing contract, and its right answer (from its bank) is right."""
    from softmaxbook.widgets._bank import find

    q = find(root.get_attribute("data-quiz"))
    assert root.get_attribute("data-quiz-kind") == q["kind"]
    assert root.locator(".sb-feedback[aria-live]").count() == 1
    assert answer(page, root, q) == "right", root.locator(".sb-feedback").inner_text()
    assert root.locator(".sb-feedback").inner_text().startswith("✓ Right.")


def check_widget(page, root):
    """Run the check that fits this widget; return its title."""
    title = root.locator(".sb-title").inner_text()
    if root.get_attribute("data-quiz"):
        check_question(page, root)
        return title
    CHECKS[title](page, root)
    # After those key presses: each live region says briefly what changed (the full readout is
    # not one: in chapter 8 it read 268 characters again on every press).
    said = root.locator("[aria-live]").all_text_contents()
    assert said and all(len(t) <= 60 for t in said), said
    # symbols as the book writes them, never in TeX's ŷ_c
    assert "_" not in root.inner_text() + " ".join(root.locator("[aria-label]").evaluate_all(
        "es => es.map((e) => e.getAttribute('aria-label'))")), title
    return title


# What check_controls_labelled finds wrong in a widget, read in one call to the browser.
UNLABELLED = """(root) => {
  const wrong = [];
  for (const c of root.querySelectorAll("input, select")) {
    if (!c.getAttribute("aria-label")) wrong.push(`${c.id}: no aria-label`);
    const labels = [...root.querySelectorAll("label")].filter((l) => l.htmlFor === c.id).length;
    if (labels !== 1) wrong.push(`${c.id}: ${labels} labels`);
  }
  for (const out of root.querySelectorAll("output")) {
    const id = out.getAttribute("for"), slider = [...root.querySelectorAll("input")].find((i) => i.id === id);
    const said = slider?.getAttribute("aria-valuetext");
    if (out.getAttribute("aria-hidden") !== "true") wrong.push(`output for ${id}: not aria-hidden`);
    if (said !== out.innerText) wrong.push(`${id}: aria-valuetext ${said}, shown ${out.innerText}`);
  }
  return wrong;
}"""


def check_controls_labelled(root):
    """Every control has an aria-label and one <label>. A slider's value is announced once, by
    the slider (aria-valuetext); its visible <output>, a live region of its own, is hidden
    from screen readers so it does not say it again."""
    assert not (wrong := root.evaluate(UNLABELLED)), wrong
