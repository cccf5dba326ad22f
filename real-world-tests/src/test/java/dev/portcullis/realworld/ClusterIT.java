package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static dev.portcullis.realworld.RealWorld.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * Two Tomcat nodes sharing their state on a real Terracotta server ({@code scripts/terracotta.sh}), the
 * way docs/INSTALL.md tells an operator: each node runs the valve JAR and the cluster add-on JAR on one
 * class loader (here the test's), the shipped conf/ehcache-cluster.xml (only the port changed), the same
 * SP key pair and the same public URL, as behind one load balancer. Node A listens on that URL's port,
 * node B on another; a browser's cookie for {@code localhost} goes to both, as it would. SimpleSAMLphp is
 * the IdP. Shown, each with the request that must pass next to the one that must be refused:
 * <ul>
 *   <li>a session made at A is signed in at B (and no cookie is not);</li>
 *   <li>a logout at B ends the session at A (and another user's session stays);</li>
 *   <li>a Response accepted at A and posted again to B is refused as a replay, while a Response for a
 *       sign-in started at A and posted only to B is accepted there;</li>
 *   <li>SimpleSAMLphp ending alice's session through node B ends it at A, where it was made (and bob's
 *       stays);</li>
 *   <li>with the server frozen, neither node answers bob's page from the copy of his session in its heap
 *       (the near cache), which both did a moment before; once it answers again, they do;</li>
 *   <li>with the server stopped, a sign-in gets the 503 page, one log line, no session, and a burst of
 *       requests adds only a few summarized lines; after a restart both nodes reconnect by themselves, the
 *       copies in their heaps are gone with the old store, a Response used before the restart is refused
 *       ({@code issued_before_replay_window}) and a fresh sign-in works.</li>
 * </ul>
 * The outage runs last: after it the server is a new, empty one.
 */
@Order(25)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final String COOKIE = "PORTCULLIS";
    private static final Pattern REFERENCE = Pattern.compile("<code>([A-Z0-9]{10})</code>");

    private Idp idp;
    private TerracottaServer terracotta;
    private EmbeddedSp a;
    private EmbeddedSp b;

    @BeforeAll
    void start() {
        idp = Idp.running(Idp.Settings.of(Idp.Kind.SIMPLESAMLPHP, RealWorld.spBaseUrl(), SpKeys.shared().certificate()));
        terracotta = TerracottaServer.start();
        String config = terracotta.clientConfiguration().toString();
        a = EmbeddedSp.start(RealWorld.spPort(), SpKeys.shared(), idp.metadataUrl(), valve -> valve.setProperty("ehcacheConfig", config));
        b = EmbeddedSp.start(RealWorld.freePort(), SpKeys.shared(), idp.metadataUrl(), valve -> {
            // One public URL for both nodes, as behind a load balancer: the same entityID, ACS and cookie.
            valve.setProperty("externalBaseUrl", RealWorld.spBaseUrl());
            valve.setProperty("ehcacheConfig", config);
        });
    }

    @AfterAll
    void stop() {
        try {
            if (terracotta != null && !terracotta.running()) {
                // Closing a node's caches waits for a server it cannot reach; give it one back first.
                terracotta.startAgain();
            }
            for (EmbeddedSp node : new EmbeddedSp[] {b, a}) {
                if (node != null) {
                    node.close();
                }
            }
        } finally {
            if (terracotta != null) {
                terracotta.close();
            }
        }
    }

    @Test
    @Order(1)
    void aSessionMadeAtOneNodeIsSignedInAtTheOther() {
        Browser alice = new Browser();

        SignIn.signIn(alice, a.url("/sample/"), idp.origin(), a.acsUrl(), ALICE, ALICE);

        assertThat(SignIn.isSignedIn(alice, b.url("/sample/"), idp.origin(), ALICE)).as("A's cookie at B").isTrue();
        assertThat(SignIn.isSignedIn(alice, b.url("/second/"), idp.origin(), ALICE)).as("A's cookie at B, /second/").isTrue();
        assertThat(SignIn.isSignedIn(new Browser(), b.url("/sample/"), idp.origin(), ALICE)).as("no cookie at B").isFalse();
    }

    @Test
    @Order(2)
    void aLogoutAtOneNodeEndsTheSessionAtTheOther() {
        Browser alice = new Browser();
        Browser bob = new Browser();
        SignIn.signIn(alice, a.url("/sample/"), idp.origin(), a.acsUrl(), ALICE, ALICE);
        SignIn.signIn(bob, a.url("/sample/"), idp.origin(), a.acsUrl(), BOB, BOB);
        String aliceCookie = alice.cookie("localhost", COOKIE);
        assertThat(SignIn.isSignedIn(alice, a.url("/sample/"), idp.origin(), ALICE)).as("alice at A before").isTrue();

        Page form = alice.get(b.url("/sso/logout"));
        assertThat(form.status()).as("the sign-out form at B:%n%s", form.body()).isEqualTo(200);
        assertThat(form.body()).contains("<strong>alice</strong>");
        Page signedOut = alice.submit(form, Map.of());

        assertThat(signedOut.status()).as("B signed alice out:%n%s", signedOut.body()).isIn(200, 302, 303);
        assertThat(alice.cookie("localhost", COOKIE)).as("B cleared the cookie").isNull();
        Browser withOldCookie = new Browser();
        withOldCookie.setCookie("localhost", COOKIE, aliceCookie);
        assertThat(SignIn.isSignedIn(withOldCookie, a.url("/sample/"), idp.origin(), ALICE)).as("alice's old cookie at A")
                .isFalse();
        assertThat(SignIn.isSignedIn(bob, a.url("/sample/"), idp.origin(), BOB)).as("bob at A").isTrue();
        assertThat(SignIn.isSignedIn(bob, b.url("/sample/"), idp.origin(), BOB)).as("bob at B").isTrue();
    }

    @Test
    @Order(3)
    void aResponseAcceptedAtOneNodeIsRefusedWhenPostedAgainToTheOther() {
        Browser alice = new Browser();
        Page autoPost = SignIn.enterPassword(alice, SignIn.toLoginForm(alice, a.url("/sample/"), idp.origin()), ALICE, ALICE);
        Map<String, String> captured = HtmlForm.withInput(autoPost, "SAMLResponse").orElseThrow().fields();
        Page accepted = SignIn.postResponse(alice, autoPost, a.acsUrl());
        assertThat(accepted.status()).as("A accepts the Response:%n%s", accepted.body()).isEqualTo(303);

        Browser attacker = new Browser();
        Page replayed = attacker.post(b.url("/sso/acs"), captured);

        assertThat(replayed.status()).as("B refuses the replay:%n%s", replayed.body()).isEqualTo(403);
        assertThat(replayed.body()).contains("Sign-in failed");
        assertThat(attacker.cookie("localhost", COOKIE)).as("no session for the attacker").isNull();
        String reference = reference(replayed);
        assertThat(logLinesWith(reference)).as("the reason, under the page's reference")
                .anyMatch(line -> line.contains("Sign-in refused [replayed_assertion] correlation [" + reference + "]"));
    }

    @Test
    @Order(4)
    void aResponseForASignInStartedAtOneNodeIsAcceptedAtTheOther() {
        Browser alice = new Browser();
        Page autoPost = SignIn.enterPassword(alice, SignIn.toLoginForm(alice, a.url("/sample/?from=a"), idp.origin()),
                ALICE, ALICE);
        Map<String, String> fields = HtmlForm.withInput(autoPost, "SAMLResponse").orElseThrow().fields();

        Page acs = alice.post(b.url("/sso/acs"), fields);

        assertThat(acs.status()).as("B accepts A's sign-in:%n%s", acs.body()).isEqualTo(303);
        assertThat(acs.location()).as("the page remembered at A, found at B").isEqualTo(a.url("/sample/?from=a"));
        assertThat(SignIn.isSignedIn(alice, a.url("/sample/"), idp.origin(), ALICE)).as("signed in at A").isTrue();
        assertThat(SignIn.isSignedIn(alice, b.url("/sample/"), idp.origin(), ALICE)).as("signed in at B").isTrue();
    }

    @Test
    @Order(5)
    void theIdpEndingAlicesSessionThroughOneNodeEndsItAtTheOtherAndNotBobs() {
        Browser alice = new Browser();
        Browser bob = new Browser();
        SignIn.signIn(alice, a.url("/sample/"), idp.origin(), a.acsUrl(), ALICE, ALICE);
        SignIn.signIn(bob, a.url("/sample/"), idp.origin(), a.acsUrl(), BOB, BOB);
        String aliceCookie = alice.cookie("localhost", COOKIE);
        String returnTo = a.url("/sso/signed-out"); // the public address: the only one SimpleSAMLphp accepts

        // SimpleSAMLphp ends alice's session and sends her browser to the SP's public SingleLogoutService;
        // the load balancer hands it to node B, which only finds her session, made at A, through the
        // session index on the server.
        Page fromIdp = alice.get(idp.sloUrl() + "?ReturnTo=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8));
        FrontChannel.Trip trip = FrontChannel.follow(alice, deliverToNodeB(alice, fromIdp));

        assertThat(trip.end().uri()).as("SimpleSAMLphp accepted node B's answer:%n%s", trip.end().body())
                .hasToString(returnTo);
        assertThat(SingleLogoutTests.status(trip.only("LogoutResponse").xml())).isEqualTo(SingleLogoutTests.SUCCESS);
        Browser withOldCookie = new Browser();
        withOldCookie.setCookie("localhost", COOKIE, aliceCookie);
        assertThat(SignIn.isSignedIn(withOldCookie, a.url("/sample/"), idp.origin(), ALICE))
                .as("alice's cookie at A, where her session was made").isFalse();
        assertThat(SignIn.isSignedIn(bob, a.url("/sample/"), idp.origin(), BOB)).as("bob at A").isTrue();
        assertThat(SignIn.isSignedIn(bob, b.url("/sample/"), idp.origin(), BOB)).as("bob at B").isTrue();
    }

    /**
     * Issue 14, off-boarding on a cluster: alice signed in at each node (two sessions, one made at A and one
     * at B), bob at A; an operator ends alice's sessions through node A's MBean (both nodes run in this JVM,
     * under one MBean name, so the platform MBeanServer holds A's). The session index on the server lists the
     * session made at B too: both of alice's sessions (and those left from the tests above) are gone at both
     * nodes at once, bob's stays, and the audit log has one line for it.
     */
    @Test
    @Order(5)
    void endingAlicesSessionsThroughJmxAtOneNodeEndsThemAtBothAndNotBobs() throws Exception {
        Browser aliceAtA = new Browser();
        Browser aliceAtB = new Browser();
        Browser bob = new Browser();
        SignIn.signIn(aliceAtA, a.url("/sample/"), idp.origin(), a.acsUrl(), ALICE, ALICE);
        Page autoPost = SignIn.enterPassword(aliceAtB, SignIn.toLoginForm(aliceAtB, b.url("/sample/"), idp.origin()),
                ALICE, ALICE);
        Page madeAtB = aliceAtB.post(b.url("/sso/acs"), HtmlForm.withInput(autoPost, "SAMLResponse").orElseThrow().fields());
        assertThat(madeAtB.status()).as("B makes alice's second session:%n%s", madeAtB.body()).isEqualTo(303);
        SignIn.signIn(bob, a.url("/sample/"), idp.origin(), a.acsUrl(), BOB, BOB);
        assertThat(aliceAtA.cookie("localhost", COOKIE)).isNotEqualTo(aliceAtB.cookie("localhost", COOKIE));
        long adminLinesBefore = adminActions();

        Object ended = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("dev.portcullis:type=SsoValve,host=localhost"), "endSessionsOf",
                new Object[] {ALICE}, new String[] {String.class.getName()});

        // At least these two; alice's sessions from the tests above end too (they are hers, and still valid).
        assertThat((Integer) ended).isGreaterThanOrEqualTo(2);
        for (EmbeddedSp node : new EmbeddedSp[] {a, b}) {
            assertThat(SignIn.isSignedIn(aliceAtA, node.url("/sample/"), idp.origin(), ALICE)).as("alice's session made at A").isFalse();
            assertThat(SignIn.isSignedIn(aliceAtB, node.url("/sample/"), idp.origin(), ALICE)).as("alice's session made at B").isFalse();
            assertThat(SignIn.isSignedIn(bob, node.url("/sample/"), idp.origin(), BOB)).as("bob").isTrue();
        }
        assertThat(adminActions()).as("one admin_action audit line").isEqualTo(adminLinesBefore + 1);
    }

    /** admin_action lines in either node's audit log (both nodes share this JVM's Log4j configuration). */
    private long adminActions() {
        return java.util.stream.Stream.of(a, b).mapToLong(node -> node.log("portcullis-audit.log").lines()
                .filter(l -> l.contains("\"event\":\"admin_action\"") && l.contains("\"target\":\"alice\"")).count()).sum();
    }

    /**
     * Follows the IdP's own redirects until its LogoutRequest leaves for the SP's public address, and
     * delivers that message to node B instead, with the same binding.
     */
    private Page deliverToNodeB(Browser browser, Page fromIdp) {
        Page page = fromIdp;
        for (int hop = 0; hop < 10 && page.status() / 100 == 3; hop++) {
            URI target = page.uri().resolve(page.location());
            if (!target.toString().startsWith(idp.origin())) {
                assertThat(target.getPath()).as("where the IdP sends the LogoutRequest").isEqualTo("/sso/slo");
                assertThat(target.getRawQuery()).contains("SAMLRequest=");
                return browser.get(b.url("/sso/slo") + "?" + target.getRawQuery());
            }
            page = browser.get(target.toString());
        }
        Page last = page;
        HtmlForm form = HtmlForm.withInput(last, "SAMLRequest")
                .orElseThrow(() -> new AssertionError("no LogoutRequest from the IdP (HTTP " + last.status() + "):\n"
                        + last.body()));
        assertThat(form.action().getPath()).as("where the IdP posts the LogoutRequest").isEqualTo("/sso/slo");
        return browser.post(b.url("/sso/slo"), form.fields());
    }

    /**
     * The near cache never answers for a server that does not: a node answers a signed-in page from the copy
     * in its heap only within a second of the server's last answer (StoreWatch.FRESH). Ehcache alone would go
     * on answering the copy until the client lease ran out (5 s here; 150 s by default).
     */
    @Test
    @Order(6)
    void neitherNodeAnswersFromTheCopyInItsHeapWhileTheServerIsFrozen() {
        Browser bob = new Browser();
        SignIn.signIn(bob, a.url("/sample/"), idp.origin(), a.acsUrl(), BOB, BOB);
        assertThat(bob.get(a.url("/sample/")).status()).as("bob at A, a copy now in A's heap").isEqualTo(200);
        assertThat(bob.get(b.url("/sample/")).status()).as("bob at B, a copy now in B's heap").isEqualTo(200);

        terracotta.freeze();
        try {
            pause(Duration.ofMillis(1_300));
            Page atA = bob.get(a.url("/sample/"));
            Page atB = bob.get(b.url("/sample/"));

            assertThat(atA.status()).as("bob at A with the server frozen:%n%s", atA.body()).isEqualTo(503);
            assertThat(atB.status()).as("bob at B with the server frozen:%n%s", atB.body()).isEqualTo(503);
        } finally {
            terracotta.thaw();
        }
        Page again = onceTheStateIsBack(() -> bob.get(a.url("/sample/")), Instant.now().plusSeconds(60));
        assertThat(again.status()).as("bob at A once the server answers:%n%s", again.body()).isEqualTo(200);
        assertThat(again.body()).contains("Signed in as <strong>bob</strong>");
    }

    @Test
    @Order(7)
    void withTheServerDownASignInIsRefusedWith503AndCreatesNoSessionThenWorksAgainAfterARestart() {
        Browser alice = new Browser();
        Page autoPost = SignIn.enterPassword(alice, SignIn.toLoginForm(alice, a.url("/sample/"), idp.origin()), ALICE, ALICE);
        Map<String, String> fields = HtmlForm.withInput(autoPost, "SAMLResponse").orElseThrow().fields();
        Browser bob = new Browser();
        SignIn.signIn(bob, a.url("/sample/"), idp.origin(), a.acsUrl(), BOB, BOB);
        assertThat(bob.get(a.url("/sample/")).status()).as("bob at A, a copy in A's heap").isEqualTo(200);
        Browser earlier = new Browser();
        Page earlierAnswer = SignIn.enterPassword(earlier, SignIn.toLoginForm(earlier, a.url("/sample/"), idp.origin()),
                ALICE, ALICE);
        Map<String, String> used = HtmlForm.withInput(earlierAnswer, "SAMLResponse").orElseThrow().fields();
        assertThat(SignIn.postResponse(earlier, earlierAnswer, a.acsUrl()).status()).as("a Response used before").isEqualTo(303);
        int signInsBefore = signIns();
        int[] logsBefore = {a.log("portcullis.log").length(), b.log("portcullis.log").length()};

        terracotta.stop();
        Instant stopped = Instant.now();
        Page refused = alice.post(a.url("/sso/acs"), fields);
        Duration acsTook = Duration.between(stopped, Instant.now());

        assertThat(refused.status()).as("the ACS without its state store:%n%s", refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains("Temporarily unavailable").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(refused.headers("Set-Cookie")).as("no session cookie").noneMatch(c -> c.matches(COOKIE + "=[^;]+.*"));
        assertThat(alice.cookie("localhost", COOKIE)).isNull();
        String reference = reference(refused);
        List<String> lines = logLinesWith(reference);
        assertThat(lines).as("one log line, naming the cause").singleElement().satisfies(line -> assertThat(line)
                .contains("503").contains("state store is unavailable").containsPattern("cache \\[portcullis-[a-z-]+\\]"));
        assertThat(signIns()).as("no login_success audited").isEqualTo(signInsBefore);
        System.out.println("== the ACS answered 503 after " + acsTook.toMillis() + " ms without the server");

        Page startAtB = new Browser().get(b.url("/sample/"));
        assertThat(startAtB.status()).as("a new sign-in at B:%n%s", startAtB.body()).isEqualTo(503);
        Page bobsPage = bob.get(a.url("/sample/"));
        assertThat(bobsPage.status()).as("a signed-in page cannot be checked either:%n%s", bobsPage.body()).isEqualTo(503);
        for (int i = 0; i < 100; i++) {
            assertThat(bob.get((i % 2 == 0 ? a : b).url("/sample/")).status()).as("request %d of the burst", i).isEqualTo(503);
        }

        terracotta.startAgain();
        Instant restarted = Instant.now();
        int[] retried = new int[1];
        Browser again = signInOnceTheStateIsBack(restarted.plusSeconds(60), retried);
        Instant signedIn = Instant.now();
        Page atB = onceTheStateIsBack(() -> again.get(b.url("/sample/")), restarted.plusSeconds(60));
        assertThat(atB.status()).as("signed in at B too:%n%s", atB.body()).isEqualTo(200);
        assertThat(atB.body()).contains("Signed in as <strong>alice</strong>");
        System.out.println("== recovery: signed in at A " + Duration.between(restarted, signedIn).toMillis()
                + " ms and at B " + Duration.between(restarted, Instant.now()).toMillis()
                + " ms after the server's restart; " + retried[0] + " sign-in attempt(s) refused with 503 before");

        // The outage in the log: each node's few lines, not one per request (102 requests were refused).
        List<String> outage = List.of((a.log("portcullis.log").substring(logsBefore[0]) + "\n"
                + b.log("portcullis.log").substring(logsBefore[1])).split("\n")).stream()
                .filter(line -> line.contains("[OutageLog]")).toList();
        assertThat(outage).as("what the outage wrote").hasSizeLessThanOrEqualTo(8)
                .anyMatch(line -> line.contains("ERROR") && line.contains("The state store does not answer"))
                .anyMatch(line -> line.contains("with 503") && line.contains("correlation [" + reference + "]"));
        assertThat(outage).filteredOn(line -> line.contains("WARN") && line.contains("answers again after"))
                .as("one line per node when the server is back").hasSize(2);

        // The old store's sessions are gone, and so are the copies the nodes held of them.
        assertThat(SignIn.isSignedIn(bob, a.url("/sample/"), idp.origin(), BOB)).as("bob's old cookie at A").isFalse();
        // A Response used before the restart cannot be told from a new one by the new, empty replay cache:
        // it was issued before the new store's epoch, so it is refused.
        Browser attacker = new Browser();
        Page replayed = attacker.post(b.url("/sso/acs"), used);
        assertThat(replayed.status()).as("the used Response after the restart:%n%s", replayed.body()).isEqualTo(403);
        assertThat(attacker.cookie("localhost", COOKIE)).as("no session for the attacker").isNull();
        String replayReference = reference(replayed);
        assertThat(logLinesWith(replayReference)).as("the reason, under the page's reference").anyMatch(line -> line.contains(
                "Sign-in refused [issued_before_replay_window] correlation [" + replayReference + "]"));
    }


    /**
     * A whole sign-in at A, started again while the node answers 503: after the server's restart each node
     * reconnects and re-creates its caches on the server by itself, one cache after the other. Until then a
     * request gets the same 503 as during the outage, never a 500 and never a session.
     */
    private Browser signInOnceTheStateIsBack(Instant deadline, int[] retried) {
        while (true) {
            Browser browser = new Browser();
            Page toIdp = onceTheStateIsBack(() -> {
                Page page = browser.get(a.url("/sample/"));
                retried[0] += page.status() == 503 ? 1 : 0;
                return page;
            }, deadline);
            assertThat(toIdp.status()).as("sign-in start at A:%n%s", toIdp.body()).isEqualTo(302);
            Page autoPost = SignIn.enterPassword(browser, browser.follow(toIdp), ALICE, ALICE);
            Page acs = SignIn.postResponse(browser, autoPost, a.acsUrl());
            if (acs.status() == 303) {
                assertThat(browser.follow(acs).body()).contains("Signed in as <strong>alice</strong>");
                return browser;
            }
            assertThat(acs.status()).as("the ACS while the caches come back:%n%s", acs.body()).isEqualTo(503);
            retried[0]++;
            assertThat(browser.cookie("localhost", COOKIE)).isNull();
            assertThat(Instant.now()).as("signed in again within a minute of the restart").isBefore(deadline);
            pause();
        }
    }

    /** The first answer that is not 503, asking again every 250 ms until the deadline. */
    private static Page onceTheStateIsBack(java.util.function.Supplier<Page> request, Instant deadline) {
        Page page = request.get();
        while (page.status() == 503 && Instant.now().isBefore(deadline) && pause()) {
            page = request.get();
        }
        return page;
    }

    private static boolean pause() {
        return pause(Duration.ofMillis(250));
    }

    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String reference(Page page) {
        Matcher m = REFERENCE.matcher(page.body());
        assertThat(m.find()).as("a reference on the page:%n%s", page.body()).isTrue();
        return m.group(1);
    }

    /**
     * The lines of portcullis.log (both nodes: the valves of one JVM share Portcullis's Log4j context) that
     * hold {@code text}; fails if a stack trace follows one of them.
     */
    private List<String> logLinesWith(String text) {
        String log = a.log("portcullis.log") + "\n" + b.log("portcullis.log");
        String[] lines = log.split("\n");
        List<String> found = new java.util.ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                found.add(lines[i]);
                assertThat(i + 1 < lines.length ? lines[i + 1] : "").as("no stack trace after [%s]", lines[i])
                        .doesNotStartWith("\tat ").doesNotStartWith("java.").doesNotStartWith("dev.portcullis.");
            }
        }
        return found;
    }

    private int signIns() {
        return Audit.events(a.log("portcullis-audit.log"), "login_success").size()
                + Audit.events(b.log("portcullis-audit.log"), "login_success").size();
    }
}
