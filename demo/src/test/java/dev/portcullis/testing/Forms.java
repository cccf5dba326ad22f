package dev.portcullis.testing;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/** What the test kit's {@link Browser} leaves to the test: submitting a page's form, following a link, and script calls. */
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

    /** The href of the link with this id, HTML-unescaped, or null. */
    public static String href(String html, String id) {
        Matcher m = Pattern.compile("<a[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*\\bhref=\"([^\"]*)\"").matcher(html);
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }
}
