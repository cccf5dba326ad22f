package dev.portcullis.realworld;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.w3c.dom.Element;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * A browser with scripts on going through a front-channel SAML exchange, such as a Single Logout that
 * passes from the SP to the IdP and back: it follows redirects, Portcullis's "Continue" link and the
 * self-submitting forms that carry a SAMLRequest or SAMLResponse (HTTP-POST binding), and stops at the
 * first page that is none of these. Every SAML message on the way is kept, decoded, with where it went
 * and how, so that a test can check what each side really sent rather than trust either.
 */
final class FrontChannel {

    private static final int MAX_HOPS = 20;
    private static final Pattern CONTINUE_LINK = Pattern.compile("<a[^>]*\\bid=\"continue\"[^>]*\\bhref=\"([^\"]*)\"");

    private FrontChannel() {
    }

    /**
     * One SAML message as it passed.
     *
     * @param target    where it went, without the query
     * @param binding   {@code Redirect} or {@code POST}
     * @param xml       the decoded message
     * @param signature how it was signed: {@code query} (Redirect binding), {@code xml} (an enveloped
     *                  ds:Signature of the message element), or {@code none}
     */
    record Message(URI target, String binding, Element xml, String signature) {

        /** LogoutRequest, LogoutResponse, ... */
        String name() {
            return xml.getLocalName();
        }

        @Override
        public String toString() {
            return name() + " to " + target + " (" + binding + ", signature: " + signature + ")";
        }
    }

    /**
     * Where the exchange ended and what passed on the way.
     *
     * @param end      the first page that continues nowhere
     * @param messages every SAML message, in order
     */
    record Trip(Page end, List<Message> messages) {

        /** The only message named {@code name} (LogoutRequest, LogoutResponse). */
        Message only(String name) {
            List<Message> named = messages.stream().filter(m -> m.name().equals(name)).toList();
            if (named.size() != 1) {
                throw new AssertionError("expected one " + name + ", saw " + messages);
            }
            return named.get(0);
        }
    }

    /** Goes on from {@code start} as a browser would, until a page that continues nowhere. */
    static Trip follow(Browser browser, Page start) {
        List<Message> messages = new ArrayList<>();
        Page page = start;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            URI next = null;
            if (page.status() / 100 == 3 && page.location() != null) {
                next = page.uri().resolve(page.location());
            } else if (page.status() == 200) {
                Matcher link = CONTINUE_LINK.matcher(page.body());
                if (link.find()) {
                    next = page.uri().resolve(link.group(1).replace("&amp;", "&"));
                }
            }
            if (next != null) {
                redirectMessage(next).ifPresent(messages::add);
                page = browser.get(next.toString());
                continue;
            }
            Page current = page;
            Optional<HtmlForm> form = current.status() == 200 ? HtmlForm.withInput(current, "SAMLRequest")
                    .or(() -> HtmlForm.withInput(current, "SAMLResponse")) : Optional.empty();
            if (form.isEmpty()) {
                System.out.println("front channel ended at " + page.uri() + " (HTTP " + page.status() + "), messages: "
                        + messages);
                return new Trip(page, List.copyOf(messages));
            }
            messages.add(postMessage(form.get()));
            page = form.get().submit(browser, Map.of());
        }
        throw new AssertionError("still going after " + MAX_HOPS + " hops; messages so far: " + messages);
    }

    private static Optional<Message> redirectMessage(URI url) {
        Map<String, String> query = Browser.query(url.toString());
        String parameter = query.containsKey("SAMLRequest") ? "SAMLRequest" : query.containsKey("SAMLResponse")
                ? "SAMLResponse" : null;
        if (parameter == null) {
            return Optional.empty();
        }
        Element xml = SamlMessages.redirectMessage(query.get(parameter));
        String signature = query.containsKey("Signature") ? "query" : SamlMessages.signsItself(xml) ? "xml" : "none";
        return Optional.of(new Message(withoutQuery(url), "Redirect", xml, signature));
    }

    private static Message postMessage(HtmlForm form) {
        String value = form.fields().containsKey("SAMLRequest") ? form.fields().get("SAMLRequest")
                : form.fields().get("SAMLResponse");
        Element xml = SamlMessages.postMessage(value);
        return new Message(withoutQuery(form.action()), "POST", xml, SamlMessages.signsItself(xml) ? "xml" : "none");
    }

    private static URI withoutQuery(URI url) {
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath());
    }
}
