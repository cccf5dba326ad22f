package dev.portcullis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Node;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SamlErrorCode;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.ValidatedAssertion;
import dev.portcullis.testkit.Xml;

/**
 * The fuzzer's oracles, runner and seeds can fail: each is shown a deliberately broken validator or
 * answer and must call it a finding. Without this, a fuzz run that finds nothing would prove nothing.
 */
class FuzzOraclesTest {

    private static FuzzSeed seed(String name) {
        return FuzzSeeds.all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static ValidatedAssertion withNameId(ValidatedAssertion a, String nameId) {
        return new ValidatedAssertion(a.issuer(), a.assertionId(), nameId, a.nameIdFormat(), a.nameQualifier(),
                a.spNameQualifier(), a.sessionIndex(), a.authnInstant(), a.authnContextClassRef(), a.sessionNotOnOrAfter(),
                a.attributes(), a.inResponseTo(), nameId);
    }

    // ------------------------------------------------------------------ validator oracles

    @Test
    void anythingButSamlValidationExceptionIsAFinding() {
        ValidatedAssertion genuine = seed("testkit/assertion-signed").genuine();

        for (Throwable thrown : List.of(new NullPointerException(), new StackOverflowError(), new ClassCastException(),
                new IllegalArgumentException("from Santuario"), new OutOfMemoryError())) {
            Oracles.Verdict verdict = Oracles.judgeValidation(genuine, r -> {
                throw sneaky(thrown);
            }, "x");

            assertThat(verdict.outcome()).as(thrown.toString()).isEqualTo(Oracles.Outcome.FAILED);
            assertThat(verdict.cause()).isSameAs(thrown);
        }
    }

    @Test
    void aRefusalWithACodeIsNoFinding() {
        Oracles.Verdict verdict = Oracles.judgeValidation(seed("testkit/assertion-signed").genuine(), r -> {
            throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, "test");
        }, "x");

        assertThat(verdict.outcome()).isEqualTo(Oracles.Outcome.REFUSED);
        assertThat(verdict.code()).isEqualTo("invalid_signature");
    }

    @Test
    void anAcceptanceWithAnyOtherIdentityIsAFinding() {
        ValidatedAssertion genuine = seed("testkit/assertion-signed").genuine();

        Oracles.Verdict forged = Oracles.judgeValidation(genuine, r -> withNameId(genuine, "admin"), "x");
        Oracles.Verdict same = Oracles.judgeValidation(genuine, r -> genuine, "x");
        Oracles.Verdict nothing = Oracles.judgeValidation(genuine, r -> null, "x");

        assertThat(forged.outcome()).isEqualTo(Oracles.Outcome.FAILED);
        assertThat(forged.problem()).contains("nameId [admin] expected [" + genuine.nameId() + "]");
        assertThat(same.outcome()).isEqualTo(Oracles.Outcome.ACCEPTED);
        assertThat(nothing.outcome()).isEqualTo(Oracles.Outcome.FAILED);
    }

    @Test
    void aSplicedSignedAssertionMayBeAcceptedAsItselfButAsNothingElse() {
        ValidatedAssertion seed = seed("testkit/assertion-signed").genuine();
        ValidatedAssertion donor = seed("testkit/both-signed").genuine();

        assertThat(Oracles.judgeValidation(List.of(seed, donor), r -> donor, "x").outcome()).isEqualTo(Oracles.Outcome.ACCEPTED);
        assertThat(Oracles.judgeValidation(List.of(seed), r -> donor, "x").outcome()).isEqualTo(Oracles.Outcome.FAILED);
        assertThat(Oracles.judgeValidation(List.of(seed, donor), r -> withNameId(donor, "admin"), "x").outcome())
                .isEqualTo(Oracles.Outcome.FAILED);
    }

    // ------------------------------------------------------------------ ACS oracle

    @Test
    void theAcsOracleRefusesEveryWrongAnswer() {
        Map<String, String> genuine = Map.of("user", "alice");
        Map<String, String> other = Map.of("user", "admin");

        assertThat(Oracles.judgeAcs(500, false, null, genuine, false).failed()).as("500").isTrue();
        assertThat(Oracles.judgeAcs(502, false, null, genuine, false).failed()).as("502").isTrue();
        assertThat(Oracles.judgeAcs(200, false, null, genuine, false).failed()).as("200").isTrue();
        assertThat(Oracles.judgeAcs(403, true, null, genuine, false).failed()).as("403 with a session").isTrue();
        assertThat(Oracles.judgeAcs(403, false, null, genuine, true).failed()).as("403 for what the validator accepts").isTrue();
        assertThat(Oracles.judgeAcs(303, false, null, genuine, true).failed()).as("303 without a session").isTrue();
        assertThat(Oracles.judgeAcs(303, true, other, genuine, true).failed()).as("303 as someone else").isTrue();
        assertThat(Oracles.judgeAcs(303, true, genuine, genuine, false).failed()).as("303 for what the validator refuses").isTrue();

        assertThat(Oracles.judgeAcs(403, false, null, genuine, false).outcome()).isEqualTo(Oracles.Outcome.REFUSED);
        assertThat(Oracles.judgeAcs(303, true, genuine, genuine, true).outcome()).isEqualTo(Oracles.Outcome.ACCEPTED);
    }

    // ------------------------------------------------------------------ the runner end to end

    /**
     * A validator with the classic bug of CVE-2017-11427: it reads the NameID's first text node, so
     * {@code bob<!--x-->.evil.net} signs in as {@code bob}. The campaign must report it and write the
     * finding's files.
     */
    @Test
    void aCampaignAgainstAValidatorThatReadsTheFirstTextNodeReportsFindings() throws Exception {
        FuzzSeed seed = seed("testkit/comment-in-nameid");
        ResponseMutator mutator = new ResponseMutator(List.of(seed));
        Oracles.Target broken = samlResponse -> {
            ValidatedAssertion real = seed.validate(samlResponse);
            String xml = new String(Base64.getMimeDecoder().decode(samlResponse), StandardCharsets.UTF_8);
            Node first = Xml.first(Xml.parse(xml), SamlConstants.ASSERTION_NS, "NameID").getFirstChild();
            return withNameId(real, first.getNodeValue());
        };
        Campaign campaign = new Campaign("selftest", 7, Duration.ofSeconds(2), 1, -1, Duration.ofSeconds(30));

        try {
            Tally tally = campaign.run(() -> new Campaign.Check() {
                @Override
                public Mutant make(long number, Random random) {
                    return mutator.mutate(seed, Choices.of(random));
                }

                @Override
                public Oracles.Verdict judge(Mutant mutant) {
                    return Oracles.judgeValidation(seed.genuine(), broken, mutant.samlResponse());
                }

                @Override
                public String seedDescription(Mutant mutant) {
                    return seed.describe();
                }
            });

            assertThat(tally.failed()).isPositive();
            FuzzFailure first = tally.failures().get(0);
            assertThat(first.verdict().problem()).contains("nameId [bob] expected [bob.evil.net]");
            assertThat(first.summary()).contains("-Dportcullis.fuzz.seed=7 -Dportcullis.fuzz.mutant=" + first.number());
            Path report = FuzzFailure.directory().resolve(first.fileStem() + ".txt");
            assertThat(Files.readString(report)).contains("seed: testkit/comment-in-nameid").contains("BEGIN CERTIFICATE");
            assertThat(Files.readString(FuzzFailure.directory().resolve(first.fileStem() + ".b64")))
                    .isEqualTo(first.mutant().samlResponse());
            assertThat(tally.summary("selftest", 7, Duration.ofSeconds(2), 1)).contains("FINDING selftest mutant");
        } finally {
            deleteFindings("selftest-");
        }
    }

    @Test
    void aMutantThatGetsNoVerdictIsAHang() throws Exception {
        FuzzSeed seed = seed("testkit/assertion-signed");
        Campaign campaign = new Campaign("selftest-hang", 7, Duration.ofMillis(200), 1, -1, Duration.ofMillis(500));

        try {
            Tally tally = campaign.run(() -> new Campaign.Check() {
                @Override
                public Mutant make(long number, Random random) {
                    return ResponseMutator.unmutated(seed);
                }

                @Override
                public Oracles.Verdict judge(Mutant mutant) throws InterruptedException {
                    Thread.sleep(3_000);
                    return Oracles.Verdict.accepted();
                }

                @Override
                public String seedDescription(Mutant mutant) {
                    return seed.describe();
                }
            });

            assertThat(tally.failed()).isEqualTo(1);
            assertThat(tally.failures().get(0).verdict().problem()).contains("hang");
        } finally {
            deleteFindings("selftest-hang-");
        }
    }

    // ------------------------------------------------------------------ seeds and reproducibility

    @Test
    void aSeedThatIsRefusedUnmutatedStopsTheFuzzTests() {
        FuzzSeed good = seed("golden/keycloak-default");
        FuzzSeed stale = new FuzzSeed(good.name(), good.xml(), false, good.options(), good.idp(),
                good.now().plus(Duration.ofDays(1)), good.requestId(), null);

        assertThatThrownBy(() -> FuzzSeeds.accepted(stale)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("is refused unmutated").hasMessageContaining("invalid_issue_instant");
    }

    @Test
    void theSameRunSeedAndNumberMakeTheSameMutant() {
        FuzzSeed golden = seed("golden/simplesamlphp-default");
        ResponseMutator mutator = new ResponseMutator(List.of(golden));
        Map<Long, Mutant> first = new LinkedHashMap<>();
        for (long n = 0; n < 50; n++) {
            first.put(n, mutator.mutate(golden, Choices.of(Campaign.random(99, "validator", n))));
        }

        for (long n = 49; n >= 0; n--) {
            assertThat(mutator.mutate(golden, Choices.of(Campaign.random(99, "validator", n)))).isEqualTo(first.get(n));
        }
        assertThat(first.values().stream().map(Mutant::samlResponse).distinct().count()).isGreaterThan(40);
    }

    // ------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable e) throws T {
        throw (T) e;
    }

    private static void deleteFindings(String prefix) throws IOException {
        Path dir = FuzzFailure.directory();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path file : files) {
                Files.delete(file);
            }
        }
    }
}
