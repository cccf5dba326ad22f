package dev.portcullis.testing;

import java.util.Map;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/** What the test kit's {@link Browser} leaves to the test: submitting a page's form, and script calls. */
public final class Forms {

    private Forms() {
    }

    /** Submits the first form of a page with its fields, some replaced, as a browser would (action resolved against the page). */
    public static Page submit(Browser browser, Page page, Map<String, String> overrides) {
        String action = Browser.formAction(page.body());
        if (action == null) {
            throw new AssertionError("no form on the page (" + page.status() + "):\n" + page.body());
        }
        Map<String, String> fields = Browser.formFields(page.body());
        fields.putAll(overrides);
        return browser.post(page.uri().resolve(action).toString(), fields);
    }

    /** A script call (XMLHttpRequest wanting JSON), which an SSO valve must answer without a redirect. */
    public static Page xhr(Browser browser, String url) {
        return browser.get(url, "Accept", "application/json", "X-Requested-With", "XMLHttpRequest");
    }
}
