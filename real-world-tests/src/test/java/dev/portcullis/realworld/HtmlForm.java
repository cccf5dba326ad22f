package dev.portcullis.realworld;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.testkit.Browser;

/**
 * One HTML form of a page as a browser would submit it: its action resolved against the page URL
 * and its input fields with their current values.
 *
 * <p>The action is resolved as RFC 3986 says, as browsers do: SimpleSAMLphp's login form has
 * {@code action="?"}, which {@link URI#resolve} (RFC 2396) would turn into the parent folder.
 *
 * @param action where the form posts
 * @param fields name to value, in page order
 */
record HtmlForm(URI action, Map<String, String> fields) {

    private static final Pattern FORM = Pattern.compile("(?is)<form\\b[^>]*>.*?</form>");

    /** The first form of the page that has an input named {@code inputName}. */
    static Optional<HtmlForm> withInput(Browser.Page page, String inputName) {
        Matcher forms = FORM.matcher(page.body());
        while (forms.find()) {
            String form = forms.group();
            Map<String, String> fields = Browser.formFields(form);
            if (fields.containsKey(inputName)) {
                String action = Browser.formAction(form);
                return Optional.of(new HtmlForm(resolve(page.uri(), action == null ? "" : action),
                        new LinkedHashMap<>(fields)));
            }
        }
        return Optional.empty();
    }

    /** Submits the form with some fields replaced. */
    Browser.Page submit(Browser browser, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(fields);
        values.putAll(overrides);
        return browser.post(action.toString(), values);
    }

    static URI resolve(URI page, String reference) {
        if (reference.isEmpty()) {
            return withoutFragment(page);
        }
        if (reference.startsWith("?")) {
            // RFC 3986 section 5.2.2: an empty path keeps the base path; the query is replaced.
            return URI.create(page.getScheme() + "://" + page.getRawAuthority() + page.getRawPath() + reference);
        }
        return page.resolve(reference);
    }

    private static URI withoutFragment(URI uri) {
        String text = uri.toString();
        int hash = text.indexOf('#');
        return hash < 0 ? uri : URI.create(text.substring(0, hash));
    }
}
