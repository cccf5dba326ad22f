package dev.portcullis.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.xml.security.signature.XMLSignature;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import dev.portcullis.saml.AlgorithmPolicy;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.ResponseValidator;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.ValidatedAssertion;
import dev.portcullis.session.CacheReplayCache;
import dev.portcullis.session.Caches;
import dev.portcullis.session.SessionIds;
import dev.portcullis.testkit.TestCredentials;

/**
 * ACS validation, side by side in one JMH run:
 * <ul>
 *   <li>{@code floor}: what no SAML SP can skip on the same bytes: a hardened DOM parse (no DOCTYPE, no
 *       external entities, secure processing) and Santuario's {@code XMLSignature.checkSignatureValue}
 *       with secure validation (SignedInfo signature, reference digest, exclusive c14n). Santuario 4.0.4,
 *       the version the valve ships (relocated there; the bytecode is the same).</li>
 *   <li>{@code floorEagerDom}: the same with Xerces's deferred node expansion off (see below).</li>
 *   <li>{@code portcullis}: the complete {@link ResponseValidator#validate} as the valve runs it, from the
 *       base64 form field, every check, the replay-cache insert into the real Ehcache-backed
 *       {@link CacheReplayCache} included. To validate the same messages again, each operation then
 *       removes the entry it inserted; {@code replayInsertAndRemove} measures that pair alone, so it
 *       is known how much of {@code portcullis} is the benchmark's own bookkeeping.</li>
 *   <li>{@code openSaml3}: OpenSAML 3.4.6 parse + unmarshal + SAML signature profile + signature check
 *       (no time, audience, subject or replay checks); {@code oneLogin*}: OneLogin java-saml 2.9.0
 *       {@code SamlResponse.isValid}, with and without its XSD validation. Both run in their own class
 *       loader with the Santuario 2.2.3 they were built for ({@link BaselineLoader}).</li>
 * </ul>
 * {@code *2Threads} run the same work on two threads; their score is the total of both.
 * {@code pairCpuTime} interleaves {@code portcullis} and {@code floor} operation by operation and charges
 * each with its thread CPU time: the comparison that survives a busy shared machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AcsBenchmark {

    /** Distinct signed responses per thread; each is validated in turn (fewer in the smoke test). */
    static final int MESSAGES_PER_THREAD = Integer.getInteger("portcullis.bench.messages", 32);
    /** Assertion IDs put in the replay cache before measuring, as after a morning of sign-ins. */
    static final int REPLAY_PREFILL = Integer.getInteger("portcullis.bench.replayPrefill", 20_000);
    static final String REQUEST_ID = "_9a0c4e12f1b84f0b8d1e2f3a4b5c6d7e";

    /** What all threads share: the IdP key, the validator, its caches, the baselines. */
    @State(Scope.Benchmark)
    public static class Shared {
        TestCredentials idpKey;
        PublicKey idpPublicKey;
        Caches caches;
        ResponseValidator validator;
        CacheReplayCache replay;
        DocumentBuilderFactory hardened;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            org.apache.xml.security.Init.init();
            idpKey = TestCredentials.rsa("idp.example.org");
            idpPublicKey = idpKey.certificate().getPublicKey();
            Clock clock = Clock.systemUTC();
            caches = Caches.start(null, clock, Duration.ofMinutes(30), AcsBenchmark.class.getClassLoader());
            replay = new CacheReplayCache(caches.replay(), clock);
            validator = Fixtures.validator(idpKey, replay, clock);
            // A replay cache that has seen a morning's sign-ins, not an empty one.
            Instant keep = clock.instant().plus(Duration.ofMinutes(10));
            for (int i = 0; i < REPLAY_PREFILL; i++) {
                replay.firstUse(Fixtures.IDP + "\n_earlier" + i, keep);
            }
            hardened = hardenedFactory();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            caches.close();
        }

        /** Undoes one validation's replay-cache insert, so the same message can be validated again. */
        void forget(String assertionId) {
            var cache = caches.replay();
            cache.remove(SessionIds.hash(Fixtures.IDP + "\n" + assertionId));
        }
    }

    /** A comparison library, set up only for the benchmarks that use it. */
    @State(Scope.Benchmark)
    public static class OpenSaml3 {
        Function<String, Object> validator;

        @Setup(Level.Trial)
        public void setUp(Shared shared) throws Exception {
            validator = BaselineLoader.create("dev.portcullis.bench.baseline.OpenSaml3Baseline", shared.idpKey.certificate());
        }
    }

    @State(Scope.Benchmark)
    public static class OneLogin {
        Function<String, Object> withXsd;
        Function<String, Object> withoutXsd;

        @Setup(Level.Trial)
        public void setUp(Shared shared) throws Exception {
            String adapter = "dev.portcullis.bench.baseline.OneLoginBaseline";
            withXsd = BaselineLoader.create(adapter, shared.idpKey.certificate(), Boolean.TRUE);
            withoutXsd = BaselineLoader.create(adapter, shared.idpKey.certificate(), Boolean.FALSE);
        }
    }

    /** Per thread: its own signed messages and its own parser for the floor. */
    @State(Scope.Thread)
    public static class Messages {
        final List<String> base64 = new ArrayList<>();
        final List<byte[]> bytes = new ArrayList<>();
        DocumentBuilder floorParser;
        DocumentBuilder eagerParser;
        int next;
        int replayCounter;

        @Setup(Level.Trial)
        public void setUp(Shared shared) throws Exception {
            Instant now = Instant.now();
            for (int i = 0; i < MESSAGES_PER_THREAD; i++) {
                byte[] message = Fixtures.signedBytes(shared.idpKey, now, REQUEST_ID);
                bytes.add(message);
                base64.add(Base64.getEncoder().encodeToString(message));
            }
            floorParser = shared.hardened.newDocumentBuilder();
            DocumentBuilderFactory eager = hardenedFactory();
            eager.setFeature("http://apache.org/xml/features/dom/defer-node-expansion", false);
            eagerParser = eager.newDocumentBuilder();
        }

        int nextIndex() {
            int i = next;
            next = i + 1 == MESSAGES_PER_THREAD ? 0 : i + 1;
            return i;
        }

        /** Decoded size of the message, for the report. */
        public int size() {
            return bytes.get(0).length;
        }
    }

    /** The floor's parser settings: no DOCTYPE, no external entities or schemas, secure processing. */
    public static DocumentBuilderFactory hardenedFactory() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    // ------------------------------------------------------------------ floor

    @Benchmark
    public boolean floor(Shared shared, Messages messages) throws Exception {
        return parseAndVerify(shared, messages);
    }

    @Benchmark
    @Threads(2)
    public boolean floor2Threads(Shared shared, Messages messages) throws Exception {
        return parseAndVerify(shared, messages);
    }

    /**
     * The floor with Xerces building every node while parsing instead of on first access (deferred node
     * expansion off): cheaper when the whole document is walked anyway, as signature checking does.
     */
    @Benchmark
    public boolean floorEagerDom(Shared shared, Messages messages) throws Exception {
        byte[] message = messages.bytes.get(messages.nextIndex());
        verifyFloor(messages.eagerParser.parse(new ByteArrayInputStream(message)), shared.idpPublicKey);
        return true;
    }

    static boolean parseAndVerify(Shared shared, Messages messages) throws Exception {
        byte[] message = messages.bytes.get(messages.nextIndex());
        Document document = messages.floorParser.parse(new ByteArrayInputStream(message));
        verifyFloor(document, shared.idpPublicKey);
        return true;
    }

    /** The floor's verification: the Assertion's enveloped signature, Santuario with secure validation. */
    public static void verifyFloor(Document document, PublicKey key) throws Exception {
        Element assertion = firstChild(document.getDocumentElement(), SamlConstants.ASSERTION_NS, "Assertion");
        Element signature = firstChild(assertion, SamlConstants.DSIG_NS, "Signature");
        assertion.setIdAttributeNS(null, "ID", true);
        XMLSignature xmlSignature = new XMLSignature(signature, "", true);
        if (!xmlSignature.checkSignatureValue(key)) {
            throw new IllegalStateException("the floor's signature does not verify");
        }
    }

    private static Element firstChild(Element parent, String ns, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName()) && ns.equals(e.getNamespaceURI())) {
                return e;
            }
        }
        throw new IllegalStateException("no " + localName);
    }

    // ------------------------------------------------------------------ Portcullis

    @Benchmark
    public ValidatedAssertion portcullis(Shared shared, Messages messages) throws Exception {
        return validate(shared, messages);
    }

    @Benchmark
    @Threads(2)
    public ValidatedAssertion portcullis2Threads(Shared shared, Messages messages) throws Exception {
        return validate(shared, messages);
    }

    static ValidatedAssertion validate(Shared shared, Messages messages) throws Exception {
        ValidatedAssertion assertion = shared.validator.validate(messages.base64.get(messages.nextIndex()), REQUEST_ID);
        shared.forget(assertion.assertionId());
        return assertion;
    }

    @Benchmark
    public boolean replayInsertAndRemove(Shared shared, Messages messages) {
        String id = "_bookkeeping" + Thread.currentThread().getId() + "_" + (messages.replayCounter++ & 31);
        boolean first = shared.replay.firstUse(Fixtures.IDP + "\n" + id, Instant.now().plusSeconds(600));
        shared.forget(id);
        return first;
    }

    // ------------------------------------------------------------------ paired, CPU time

    /**
     * Per-iteration totals of thread CPU time spent in each of the paired operations, reported by JMH as
     * secondary results ({@code portcullisCpuNanos}, {@code floorCpuNanos}, {@code pairs}).
     */
    @State(Scope.Thread)
    @org.openjdk.jmh.annotations.AuxCounters(org.openjdk.jmh.annotations.AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public long portcullisCpuNanos;
        public long floorCpuNanos;
        public long pairs;
        boolean portcullisFirst;

        @Setup(Level.Iteration)
        public void reset() {
            portcullisCpuNanos = 0;
            floorCpuNanos = 0;
            pairs = 0;
        }
    }

    private static final java.lang.management.ThreadMXBean THREAD_CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * One validation and one floor operation per invocation, in alternating order, each charged with the
     * thread CPU time it used. On a shared machine, other processes take wall-clock time from whichever
     * benchmark happens to be running, but hardly change the CPU time an operation needs: the ratio of
     * these totals is the load-robust form of "Portcullis vs the floor", measured operation by operation.
     */
    @Benchmark
    public Object pairCpuTime(Shared shared, Messages messages, CpuTime cpu) throws Exception {
        int i = messages.nextIndex();
        Object result;
        if (cpu.portcullisFirst) {
            long t0 = THREAD_CPU.getCurrentThreadCpuTime();
            result = validateMessage(shared, messages.base64.get(i));
            long t1 = THREAD_CPU.getCurrentThreadCpuTime();
            verifyFloor(messages.floorParser.parse(new ByteArrayInputStream(messages.bytes.get(i))), shared.idpPublicKey);
            long t2 = THREAD_CPU.getCurrentThreadCpuTime();
            cpu.portcullisCpuNanos += t1 - t0;
            cpu.floorCpuNanos += t2 - t1;
        } else {
            long t0 = THREAD_CPU.getCurrentThreadCpuTime();
            verifyFloor(messages.floorParser.parse(new ByteArrayInputStream(messages.bytes.get(i))), shared.idpPublicKey);
            long t1 = THREAD_CPU.getCurrentThreadCpuTime();
            result = validateMessage(shared, messages.base64.get(i));
            long t2 = THREAD_CPU.getCurrentThreadCpuTime();
            cpu.floorCpuNanos += t1 - t0;
            cpu.portcullisCpuNanos += t2 - t1;
        }
        cpu.portcullisFirst = !cpu.portcullisFirst;
        cpu.pairs++;
        return result;
    }

    private static ValidatedAssertion validateMessage(Shared shared, String field) throws Exception {
        ValidatedAssertion assertion = shared.validator.validate(field, REQUEST_ID);
        shared.forget(assertion.assertionId());
        return assertion;
    }

    // ------------------------------------------------------------------ baselines

    @Benchmark
    public Object openSaml3(OpenSaml3 library, Messages messages) {
        return library.validator.apply(messages.base64.get(messages.nextIndex()));
    }

    @Benchmark
    public Object oneLoginXsd(OneLogin library, Messages messages) {
        return library.withXsd.apply(messages.base64.get(messages.nextIndex()));
    }

    @Benchmark
    public Object oneLoginNoXsd(OneLogin library, Messages messages) {
        return library.withoutXsd.apply(messages.base64.get(messages.nextIndex()));
    }

    /** Prints the decoded size of the benchmark message (for the report). */
    public static void main(String[] args) throws Exception {
        byte[] message = Fixtures.signedBytes(TestCredentials.rsa("idp.example.org"), Instant.now(), REQUEST_ID);
        System.out.println("message_bytes=" + message.length);
        if (args.length > 0) {
            Files.write(java.nio.file.Path.of(args[0]), message);
        }
        System.out.println(new String(message, StandardCharsets.UTF_8).substring(0, 200) + "...");
    }
}
