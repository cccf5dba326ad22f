package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletException;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * One way in: every request the webapps see with an identity was let in by {@code SsoEngine.grant},
 * called from {@code SsoEngine.handle}, with no pac4j code on the stack; every other request they see
 * came straight from {@code handle} (a path Portcullis does not protect) without an identity. A valve
 * placed after Portcullis in a real Host pipeline records the Java stack of each request it receives,
 * over every kind of request: sign-in and the ACS, signed-in pages on two webapps, excluded paths, a
 * step-up asked for and one satisfied, a script without a session, Portcullis's own endpoints, a stale
 * cookie. A second door (pac4j granting, say) would show up here as a grant from another caller.
 */
class OneWayInTest {

    private static final String MFA = "https://refeds.org/profile/mfa";
    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");
    private static final TestClock CLOCK = new TestClock(Instant.now());

    private static EmbeddedTomcat server;
    private static final Recorder RECORDER = new Recorder();

    /** What the valve after Portcullis saw: the path, the user, and the calls between SsoValve.invoke and it. */
    record Seen(String path, String user, List<String> callers) {
    }

    /** Records every request it is handed, then passes it on. */
    static final class Recorder extends ValveBase {
        final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

        Recorder() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            List<String> callers = new ArrayList<>();
            StackTraceElement[] stack = Thread.currentThread().getStackTrace();
            // stack[0] is getStackTrace, stack[1] this method; collect up to (not including) SsoValve.invoke.
            for (int i = 2; i < stack.length; i++) {
                String frame = stack[i].getClassName() + "." + stack[i].getMethodName();
                if (frame.equals(SsoValve.class.getName() + ".invoke")) {
                    break;
                }
                callers.add(frame);
            }
            seen.add(new Seen(request.getDecodedRequestURI(), request.getRemoteUser(), callers));
            getNext().invoke(request, response);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        SsoValve valve = server.valve();
        valve.setClock(CLOCK);
        valve.setProperty("stepUpPaths", "/app/admin/*");
        valve.setProperty("stepUpAuthnContext", MFA);
        server.tomcat.getHost().getPipeline().addValve(valve);
        server.tomcat.getHost().getPipeline().addValve(RECORDER);
        server.tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Browser.Page signIn(Browser browser, String path, String authnContext) {
        Browser.Page toIdp = browser.get(server.url(path));
        assertThat(toIdp.status()).isEqualTo(302);
        Map<String, String> query = Browser.query(toIdp.location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(CLOCK.instant(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), "alice");
        builder.attribute("roles", "user", "admin");
        builder.authnContextClassRef = authnContext;
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(doc));
        form.put("RelayState", query.get("RelayState"));
        Browser.Page landing = browser.post(server.url("/sso/acs"), form);
        assertThat(landing.status()).isEqualTo(303);
        return browser.follow(landing);
    }

    @Test
    void everyGrantComesFromSsoEngineGrantAndNothingElseLetsAnIdentityIn() {
        RECORDER.seen.clear();
        Browser password = new Browser();
        // A sign-in (redirect to the IdP, the ACS), then the page it was for: granted.
        assertThat(signIn(password, "/app/", SamlResponseBuilder.AUTHN_PASSWORD_PROTECTED).body()).contains("user=alice");
        // Signed in, another webapp on the Host: granted.
        assertThat(password.get(server.url("/other/")).body()).contains("user=alice");
        // An excluded path: passed on without an identity.
        assertThat(password.get(server.url("/app/public/page")).body()).contains("user=null");
        // A step-up path with a password session: back to the IdP (pac4j), never in.
        assertThat(password.get(server.url("/app/admin/")).status()).isEqualTo(302);
        // Portcullis's own endpoints answer themselves.
        assertThat(password.get(server.url("/sso/metadata")).status()).isEqualTo(200);
        assertThat(password.get(server.url("/sso/nothing-here")).status()).isEqualTo(404);
        // A script without a session: 401 from pac4j, never in.
        assertThat(new Browser().get(server.url("/app/data"), "Accept", "application/json").status()).isEqualTo(401);
        // A cookie for no session: a new sign-in, never in.
        Browser stale = new Browser();
        stale.setCookie("localhost", "PORTCULLIS", "A".repeat(43));
        assertThat(stale.get(server.url("/app/")).status()).isEqualTo(302);
        // A multi-factor sign-in on the step-up path: granted.
        assertThat(signIn(new Browser(), "/app/admin/", MFA).body()).contains("user=alice");

        List<Seen> seen = List.copyOf(RECORDER.seen);
        List<String> grant = List.of(dev.portcullis.engine.SsoEngine.class.getName() + ".grant",
                dev.portcullis.engine.SsoEngine.class.getName() + ".handle");
        List<String> passOn = List.of(dev.portcullis.engine.SsoEngine.class.getName() + ".handle");
        assertThat(seen).allSatisfy(s -> assertThat(s.callers()).noneMatch(frame -> frame.startsWith("org.pac4j.")));
        assertThat(seen).filteredOn(s -> s.user() != null).extracting(Seen::path)
                .containsExactly("/app/", "/other/", "/app/admin/");
        assertThat(seen).filteredOn(s -> s.user() != null).allSatisfy(s -> assertThat(s.callers()).isEqualTo(grant));
        assertThat(seen).filteredOn(s -> s.user() == null).extracting(Seen::path).containsExactly("/app/public/page");
        assertThat(seen).filteredOn(s -> s.user() == null).allSatisfy(s -> assertThat(s.callers()).isEqualTo(passOn));
    }
}
