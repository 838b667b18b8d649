"""The guard every browser test relies on: the app's pages carry a strict Content-Security-Policy, and a violation
of it or an uncaught exception in a page is caught, failing the test at teardown. So the walks, which end with no
console error, prove the policy breaks nothing they use."""

from playwright.sync_api import Page, Route


def test_console_guard_catches_a_csp_violation_and_an_uncaught_exception(page: Page, console_errors: list[str]):
    def strict_page(route: Route) -> None:
        route.fulfill(
            content_type="text/html",
            headers={"Content-Security-Policy": "script-src 'self'"},
            body="<!doctype html><title>probe</title><script>document.title = 'inline ran'</script>",
        )

    page.route("**/csp-probe", strict_page)
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.goto("/csp-probe")
    with page.expect_event("pageerror"):
        page.evaluate("() => setTimeout(() => { throw new Error('probe failure') }, 0)")

    assert page.title() == "probe"  # the inline script was refused
    assert len(console_errors) == 2, console_errors
    assert "Content Security Policy" in console_errors[0]
    assert "uncaught exception" in console_errors[1] and "probe failure" in console_errors[1]
    console_errors.clear()  # caught as expected: nothing left for the page fixture to fail on


def test_pages_the_walks_visit_carry_a_strict_csp(page: Page):
    response = page.goto("/login")
    directives = dict(d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";"))
    assert directives["script-src"] == "'self'"
