package dev.portcullis.saml;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.xml.parsers.DocumentBuilder;

import org.w3c.dom.Document;

import dev.portcullis.bench.Fixtures;
import dev.portcullis.session.CacheReplayCache;
import dev.portcullis.session.Caches;
import dev.portcullis.session.SessionIds;
import dev.portcullis.testkit.TestCredentials;

/**
 * A diagnostic, not a benchmark: where one ACS validation's time and allocation go, step by step. It
 * lives in the validator's package to run the {@link ResponseStep}s one at a time, exactly as
 * {@code ResponseValidator.validate} does, measuring each with {@code ThreadMXBean} allocated bytes
 * (exact) and {@code System.nanoTime} (noisy on a busy machine; use the shares, and JMH for absolute
 * figures). The floor's two parts are measured the same way for comparison. It follows the step list
 * itself, so a new step shows up here as a new row.
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
            byte[] message = Fixtures.signedBytes(idpKey, Instant.now(), "_9a0c4e12f1b84f0b8d1e2f3a4b5c6d7e");
            String field = Base64.getEncoder().encodeToString(message);
            DocumentBuilder floorParser = dev.portcullis.bench.AcsBenchmark.hardenedFactory().newDocumentBuilder();
            var replayCache = caches.replay();
            java.util.function.Consumer<String> forget = k -> replayCache.remove(SessionIds.hash(k));
            java.security.PublicKey key = idpKey.certificate().getPublicKey();

            StepCosts warm = new StepCosts();
            for (int i = 0; i < iterations / 2; i++) {
                warm.once(v, field, message, floorParser, forget, key, clock);
            }
            StepCosts measured = new StepCosts();
            for (int i = 0; i < iterations; i++) {
                measured.once(v, field, message, floorParser, forget, key, clock);
            }
            measured.print(message.length);
        }
    }

    private void once(ResponseValidator v, String field, byte[] message, DocumentBuilder floorParser,
                      java.util.function.Consumer<String> forget, java.security.PublicKey idpKey, Clock clock)
            throws Exception {
        String requestId = "_9a0c4e12f1b84f0b8d1e2f3a4b5c6d7e";
        start();
        ResponseValidator.Message m = new ResponseValidator.Message(ResponseInput.signIn(field, requestId), clock.instant());
        charge("(state)");
        for (ResponseStep step : ResponseStep.ALL) {
            step.run(v, m);
            charge(step.key());
        }
        ValidatedAssertion result = m.result(Fixtures.IDP);
        charge("result: ValidatedAssertion");
        forget.accept(Fixtures.IDP + "\n" + result.assertionId());
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
