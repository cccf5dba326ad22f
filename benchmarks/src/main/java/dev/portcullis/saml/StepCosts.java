package dev.portcullis.saml;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilder;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.portcullis.bench.Fixtures;
import dev.portcullis.session.CacheReplayCache;
import dev.portcullis.session.Caches;
import dev.portcullis.session.SessionIds;
import dev.portcullis.testkit.TestCredentials;

/**
 * A diagnostic, not a benchmark: where one ACS validation's time and allocation go, step by step. It
 * lives in the validator's package to call its package-private step methods in the order
 * {@code ResponseValidator.validate} runs them (the two private steps, assertion count and replay, are
 * re-enacted with the same calls), measuring each with {@code ThreadMXBean} allocated bytes (exact) and
 * {@code System.nanoTime} (noisy on a busy machine; use the shares, and JMH for absolute figures). The
 * floor's two parts are measured the same way for comparison. Follows the validator's step methods, so
 * it may need an update when they change.
 *
 * <pre>java -cp ... dev.portcullis.saml.StepCosts [iterations]</pre>
 */
public final class StepCosts {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Map<String, long[]> costs = new LinkedHashMap<>();
    private long bytesMark;
    private long timeMark;

    private StepCosts() {
    }

    private void start() {
        bytesMark = THREADS.getCurrentThreadAllocatedBytes();
        timeMark = System.nanoTime();
    }

    /** Charges what happened since the last mark to {@code step}, and sets a new mark. */
    private void charge(String step) {
        long now = System.nanoTime();
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        long[] c = costs.computeIfAbsent(step, s -> new long[3]);
        c[0] += now - timeMark;
        c[1] += bytes - bytesMark;
        c[2]++;
        bytesMark = THREADS.getCurrentThreadAllocatedBytes();
        timeMark = System.nanoTime();
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        org.apache.xml.security.Init.init();
        TestCredentials idpKey = TestCredentials.rsa("idp.example.org");
        Clock clock = Clock.systemUTC();
        try (Caches caches = Caches.start(null, clock, java.time.Duration.ofMinutes(30), StepCosts.class.getClassLoader())) {
            CacheReplayCache replay = new CacheReplayCache(caches.replay(), clock);
            ResponseValidator v = Fixtures.validator(idpKey, replay, clock);
            SecureXml xml = new SecureXml();
            SignatureValidator signatures = new SignatureValidator(List.of(idpKey.certificate().getPublicKey()),
                    new AlgorithmPolicy(false));
            byte[] message = Fixtures.signedBytes(idpKey, Instant.now(), "_9a0c4e12f1b84f0b8d1e2f3a4b5c6d7e");
            String field = Base64.getEncoder().encodeToString(message);
            DocumentBuilder floorParser = dev.portcullis.bench.AcsBenchmark.hardenedFactory().newDocumentBuilder();
            var replayCache = caches.replay();
            java.util.function.Consumer<String> forget = k -> replayCache.remove(SessionIds.hash(k));
            java.security.PublicKey key = idpKey.certificate().getPublicKey();

            StepCosts warm = new StepCosts();
            for (int i = 0; i < iterations / 2; i++) {
                warm.once(v, xml, signatures, field, message, floorParser, replay, forget, key, clock);
            }
            StepCosts measured = new StepCosts();
            for (int i = 0; i < iterations; i++) {
                measured.once(v, xml, signatures, field, message, floorParser, replay, forget, key, clock);
            }
            measured.print(message.length);
        }
    }

    private void once(ResponseValidator v, SecureXml xml, SignatureValidator signatures, String field, byte[] message,
                      DocumentBuilder floorParser, CacheReplayCache replay, java.util.function.Consumer<String> forget,
                      java.security.PublicKey idpKey, Clock clock)
            throws Exception {
        String requestId = "_9a0c4e12f1b84f0b8d1e2f3a4b5c6d7e";
        start();
        Instant now = clock.instant();
        byte[] bytes = v.decode(field);
        charge("size: base64 decode");
        Document document = xml.parse(bytes);
        charge("xml: SecureXml.parse");
        Element response = v.requireResponse(document);
        charge("response: root element");
        NodeList assertions = document.getElementsByTagNameNS(SamlConstants.ASSERTION_NS, "Assertion");
        NodeList encrypted = document.getElementsByTagNameNS(SamlConstants.ASSERTION_NS, "EncryptedAssertion");
        if (assertions.getLength() + encrypted.getLength() != 1) {
            throw new IllegalStateException();
        }
        Element assertion = (Element) assertions.item(0);
        Dom.attribute(assertion, "Version");
        Dom.attribute(assertion, "ID");
        charge("assertion-count: getElementsByTagNameNS x2");
        boolean responseSigned = signatures.verifyIfPresent(response);
        charge("response-signature: none present");
        signatures.verifyIfPresent(assertion);
        charge("assertion-signature: SignatureValidator.verifyIfPresent");
        v.checkDestination(response, responseSigned);
        String inResponseTo = v.checkInResponseTo(response, requestId);
        v.checkIssueInstant(response, now);
        v.checkResponseIssuer(response);
        v.checkStatus(response);
        v.checkAssertionIssuer(assertion);
        charge("destination .. assertion-issuer (5 checks)");
        Element nameId = v.readSubject(assertion);
        Instant confirmation = v.checkSubjectConfirmation(assertion, inResponseTo, now);
        Instant conditions = v.checkConditions(assertion, now);
        v.checkAudience(assertion);
        Element authn = v.readAuthnStatement(assertion, now);
        charge("subject .. authn-statement (5 checks)");
        Map<String, List<String>> attributes = v.readAttributes(assertion);
        charge("attributes: readAttributes");
        String assertionId = Dom.attribute(assertion, "ID");
        String key = Fixtures.IDP + "\n" + assertionId;
        if (!replay.firstUse(key, (conditions.isBefore(confirmation) ? conditions : confirmation))) {
            throw new IllegalStateException("replayed");
        }
        charge("replay: CacheReplayCache.firstUse (SHA-256 + Ehcache putIfAbsent)");
        ValidatedAssertion result = new ValidatedAssertion(Fixtures.IDP, assertionId, Dom.text(nameId, SamlErrorCode.INVALID_SUBJECT).strip(),
                Dom.attribute(nameId, "Format"), Dom.attribute(nameId, "NameQualifier"), Dom.attribute(nameId, "SPNameQualifier"),
                Dom.attribute(authn, "SessionIndex"), Dom.instant(authn, "AuthnInstant"), null,
                Dom.instant(authn, "SessionNotOnOrAfter"), attributes, inResponseTo);
        charge("result: ValidatedAssertion");
        forget.accept(key);
        start();
        if (result.attributes().isEmpty()) {
            throw new IllegalStateException();
        }
        // The floor, on the same bytes.
        Document floorDoc = floorParser.parse(new ByteArrayInputStream(message));
        charge("floor: hardened DOM parse");
        dev.portcullis.bench.AcsBenchmark.verifyFloor(floorDoc, idpKey);
        charge("floor: XMLSignature.checkSignatureValue");
    }

    private void print(int messageBytes) {
        long totalNanos = 0;
        long totalBytes = 0;
        for (Map.Entry<String, long[]> e : costs.entrySet()) {
            if (!e.getKey().startsWith("floor")) {
                totalNanos += e.getValue()[0];
                totalBytes += e.getValue()[1];
            }
        }
        long n = costs.values().iterator().next()[2];
        System.out.printf("message_bytes=%d iterations=%d%n", messageBytes, n);
        System.out.println("| step | us/op | share of time | bytes/op | share of bytes |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        for (Map.Entry<String, long[]> e : costs.entrySet()) {
            long[] c = e.getValue();
            boolean floor = e.getKey().startsWith("floor");
            System.out.printf("| %s | %.1f | %s | %,d | %s |%n", e.getKey(), c[0] / 1e3 / c[2],
                    floor ? "" : String.format("%.1f%%", 100.0 * c[0] / totalNanos), c[1] / c[2],
                    floor ? "" : String.format("%.1f%%", 100.0 * c[1] / totalBytes));
        }
        System.out.printf("| **validate, all steps** | %.1f | 100%% | %,d | 100%% |%n", totalNanos / 1e3 / n, totalBytes / n);
    }
}
