package dev.portcullis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Fuzzes the Assertion Consumer Service with structural mutants ({@link ResponseMutator}) of validly
 * signed responses: the test kit's and the real Keycloak and SimpleSAMLphp captures
 * ({@link FuzzSeeds}). Two phases share one time budget:
 * <ol>
 *   <li><b>validator</b> (70%): each mutant goes straight to {@code ResponseValidator.validate}, as
 *       its seed's SP would run it, with a fresh replay cache, thousands per second on all processors;</li>
 *   <li><b>acs</b> (30%): each mutant goes over HTTP to {@code POST /sso/acs} of the valve in a real
 *       embedded Tomcat ({@code EmbeddedTomcat}), answering a fresh pending sign-in with its
 *       RelayState; the response is built and signed by the test kit for that sign-in (assertion
 *       signed, both signed, or assertion signed then encrypted for the valve), then mutated.</li>
 * </ol>
 * The oracles ({@link Oracles}): {@code validate} returns or throws {@code SamlValidationException},
 * nothing else; whatever is accepted yields exactly the genuine signed identity; the ACS never answers
 * 5xx, refuses with 403 and no session cookie, accepts with a 303, a session cookie and the genuine
 * identity, and accepts exactly what the validator accepts. Each finding is written to
 * {@code target/fuzz-failures/} with the mutant and everything needed to validate it again. Each
 * phase prints a summary (mutants per second, accepted, refused by error code) to the test output.
 *
 * <p>Running it:
 * <pre>
 * # part of every build: about 20 s in all
 * mvn -B test -pl valve -Dtest='dev.portcullis.fuzz.**'
 * # ten minutes (any number of seconds), on every processor
 * mvn -B test -pl valve -Dtest=AcsFuzzTest -Dportcullis.fuzz.seconds=600
 * # again, the same mutants: the seed is printed at the start and in every finding
 * mvn -B test -pl valve -Dtest=AcsFuzzTest -Dportcullis.fuzz.seed=-4242 [-Dportcullis.fuzz.mutant=1234]
 * </pre>
 * Other properties: {@code portcullis.fuzz.threads} (default: the processors),
 * {@code portcullis.fuzz.hangSeconds} (a mutant without a verdict after that long is a finding;
 * default 30). Coverage-guided fuzzing of the validator with Jazzer is {@link ResponseValidatorFuzzTest}.
 * See {@code docs/FUZZING.md}.
 */
class AcsFuzzTest {

    private static final long RUN_SEED = Campaign.configuredRunSeed();
    /** Below this many mutants a run proves little, so a run that makes fewer must be a broken harness. */
    private static final long SANITY_MUTANTS = 1_000;

    @BeforeAll
    static void announceTheSeed() {
        System.out.println("fuzz run seed " + RUN_SEED + " (replay with -Dportcullis.fuzz.seed=" + RUN_SEED + ")");
        QuietSantuario.quiet();
    }

    @AfterAll
    static void restoreLogging() {
        QuietSantuario.restore();
    }

    @Test
    void everySeedIsAcceptedAsSentAndAfterARoundTripThroughTheDom() throws Exception {
        List<FuzzSeed> seeds = FuzzSeeds.all();

        assertThat(seeds).extracting(FuzzSeed::name).anyMatch(n -> n.startsWith("golden/keycloak"))
                .anyMatch(n -> n.startsWith("golden/simplesamlphp")).anyMatch(n -> n.startsWith("testkit/"));
        for (FuzzSeed seed : seeds) {
            // FuzzSeeds already refuses to build a seed that is refused as sent; the DOM round trip is what
            // every DOM-stage mutant goes through, so it must not break the signatures on its own.
            assertThat(seed.validate(ResponseMutator.unmutated(seed).samlResponse())).as(seed.name()).isEqualTo(seed.genuine());
            assertThat(seed.validate(ResponseMutator.roundTripped(seed).samlResponse())).as(seed.name() + " round trip")
                    .isEqualTo(seed.genuine());
        }
    }

    @Test
    void theValidatorAcceptsOnlyTheGenuineIdentityAndOtherwiseRefusesWithACode() throws Exception {
        List<FuzzSeed> seeds = FuzzSeeds.all();
        ResponseMutator mutator = new ResponseMutator(seeds);
        Campaign campaign = Campaign.fromSystemProperties("validator", RUN_SEED, 0.7);

        long started = System.nanoTime();
        Tally tally = campaign.run(() -> new Campaign.Check() {
            private FuzzSeed seed;

            @Override
            public Mutant make(long number, Random random) {
                Choices choices = Choices.of(random);
                seed = choices.pick(seeds);
                return mutator.mutate(seed, choices);
            }

            @Override
            public Oracles.Verdict judge(Mutant mutant) {
                return Oracles.judgeValidation(FuzzSeeds.acceptableIdentities(seed, mutant), seed::validate,
                        mutant.samlResponse());
            }

            @Override
            public String seedDescription(Mutant mutant) {
                return seed.describe();
            }
        });

        report(tally, "validator", campaign, started);
    }

    @Test
    void theAcsAnswers303WithTheGenuineIdentityOr403AndNeverA5xx() throws Exception {
        TestCredentials idpKey = TestCredentials.rsa("idp.fuzz.example");
        TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ResponseMutator mutator = new ResponseMutator(FuzzSeeds.all());
        Campaign campaign = Campaign.fromSystemProperties("acs", RUN_SEED, 0.3);

        // The SP key that encrypted mutants are encrypted for, so the valve can decrypt them.
        try (TomcatWithValve tomcat = new TomcatWithValve(idpKey, FuzzSeed.SP_ENCRYPTION_KEY, clock)) {
            Acs acs = new Acs(tomcat, idpKey, clock);
            Map<String, String> genuine = acs.genuineIdentity();
            assertThat(genuine).containsEntry("user", Acs.NAME_ID).containsEntry("admin", "true");

            long started = System.nanoTime();
            Tally tally = campaign.run(() -> acs.check(mutator, genuine));

            report(tally, "acs", campaign, started);
        }
    }

    private static void report(Tally tally, String phase, Campaign campaign, long started) {
        String summary = tally.summary(phase, campaign.runSeed(), Duration.ofNanos(System.nanoTime() - started), campaign.threads());
        System.out.println(summary);
        assertThat(tally.failed()).as("fuzz findings, written to %s%n%s", FuzzFailure.directory(), summary).isZero();
        assertThat(tally.mutants()).as("mutants judged").isPositive();
        if (tally.mutants() >= SANITY_MUTANTS) {
            // A mutator that never keeps a signature valid would leave the identity oracle nothing to judge.
            assertThat(tally.accepted()).as("accepted mutants (the identity oracle's work)%n%s", summary).isPositive();
            assertThat(tally.refusedByCode()).as("refusals%n%s", summary).isNotEmpty();
        }
    }

    /** Signing in over HTTP: a pending sign-in, a signed response for it, the POST, what the webapp sees. */
    private static final class Acs {
        static final String NAME_ID = "alice@example.com";

        private final TomcatWithValve tomcat;
        private final TestCredentials idpKey;
        private final TestClock clock;
        private final String acsUrl;
        private final String spEntityId;
        private final FuzzSeed validatorSettings;

        Acs(TomcatWithValve tomcat, TestCredentials idpKey, TestClock clock) throws ReflectiveOperationException {
            this.tomcat = tomcat;
            this.idpKey = idpKey;
            this.clock = clock;
            this.acsUrl = tomcat.url("/sso/acs");
            this.spEntityId = tomcat.url("/sso/metadata");
            // The valve's settings and trust, to ask the validator directly about the very same message.
            IdpMetadata idp = new IdpMetadata(tomcat.idpEntityId, List.of(idpKey.certificate()),
                    Map.of(SamlConstants.REDIRECT_BINDING, tomcat.idpSsoUrl), Map.of(), false, null);
            this.validatorSettings = new FuzzSeed("acs", "", false, FuzzSeed.options(acsUrl, spEntityId, true, false), idp,
                    clock.instant(), null, null);
        }

        /** What the webapp sees after the unmutated response. */
        Map<String, String> genuineIdentity() throws ReflectiveOperationException {
            Browser browser = new Browser();
            Started started = startLogin(browser);
            Browser.Page landing = post(browser, started, Xml.base64(ResponseMutator.parse(signedResponse(started, false))));
            assertThat(landing.status()).as("the unmutated response is accepted").isEqualTo(303);
            assertThat(setsSessionCookie(landing)).isTrue();
            return identity(browser.follow(landing));
        }

        Campaign.Check check(ResponseMutator mutator, Map<String, String> genuine) {
            return new Campaign.Check() {
                private final Browser browser = new Browser(Duration.ofSeconds(60));
                private Started started;

                @Override
                public Mutant make(long number, Random random) throws ReflectiveOperationException {
                    browser.clearCookies();
                    started = startLogin(browser);
                    Choices choices = Choices.of(random);
                    boolean signResponse = choices.oneIn(3);
                    // Encrypting under a Response signature would only break that signature.
                    boolean encrypt = !signResponse && choices.oneIn(3);
                    int count = choices.oneIn(10) ? 4 + choices.below(5) : 1 + choices.below(3);
                    String name = signResponse ? "acs/both-signed" : encrypt ? "acs/assertion-signed-then-encrypted" : "acs/assertion-signed";
                    return mutator.mutate(name, signedResponse(started, signResponse), encrypt, choices, count);
                }

                @Override
                public Oracles.Verdict judge(Mutant mutant) {
                    boolean validatorAccepts;
                    KnownFindings.Known known = null;
                    try {
                        validatorSettings.validator().validate(mutant.samlResponse(), started.requestId());
                        validatorAccepts = true;
                    } catch (SamlValidationException e) {
                        validatorAccepts = false;
                    } catch (RuntimeException | Error e) {
                        known = KnownFindings.match(e).orElse(null);
                        if (known == null) {
                            return Oracles.Verdict.failed("validate threw " + e.getClass().getName(), e);
                        }
                        validatorAccepts = false;
                    }
                    Browser.Page answer = post(browser, started, mutant.samlResponse());
                    if (known != null && answer.status() == 500) {
                        // What that known bug does at the ACS; any other answer is judged as usual.
                        return Oracles.Verdict.known(known);
                    }
                    boolean cookie = setsSessionCookie(answer);
                    Map<String, String> identity = answer.status() == 303 && cookie ? identity(browser.follow(answer)) : null;
                    return Oracles.judgeAcs(answer.status(), cookie, identity, genuine, validatorAccepts);
                }

                @Override
                public String seedDescription(Mutant mutant) {
                    return validatorSettings.describe().replace("expected InResponseTo: null",
                            "expected InResponseTo: " + started.requestId() + "\nRelayState: " + started.relayState());
                }
            };
        }

        private record Started(String requestId, String relayState) {
        }

        private Started startLogin(Browser browser) throws ReflectiveOperationException {
            Browser.Page page = browser.get(tomcat.url("/app/"));
            assertThat(page.status()).as("a protected page redirects to the IdP").isEqualTo(302);
            Map<String, String> query = Browser.query(page.location());
            Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
            return new Started(request.getDocumentElement().getAttribute("ID"), query.get("RelayState"));
        }

        private String signedResponse(Started started, boolean signResponse) {
            SamlResponseBuilder builder = SamlResponseBuilder.valid(clock.instant(), tomcat.idpEntityId, spEntityId, acsUrl,
                    started.requestId(), NAME_ID);
            builder.attribute("roles", "user", "admin");
            builder.attribute("mail", NAME_ID);
            Document doc = builder.build();
            XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), idpKey);
            if (signResponse) {
                XmlSigning.sign(doc.getDocumentElement(), idpKey);
            }
            return ResponseMutator.serialize(doc);
        }

        private Browser.Page post(Browser browser, Started started, String samlResponse) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("SAMLResponse", samlResponse);
            form.put("RelayState", started.relayState());
            return browser.post(acsUrl, form);
        }

        private static boolean setsSessionCookie(Browser.Page page) {
            return page.headers("Set-Cookie").stream().anyMatch(c -> c.startsWith("PORTCULLIS=") && !c.startsWith("PORTCULLIS=;"));
        }

        /** The servlet's {@code key=value} lines. */
        private static Map<String, String> identity(Browser.Page page) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("status", String.valueOf(page.status()));
            for (String line : page.body().split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1).trim());
                }
            }
            return values;
        }
    }
}
