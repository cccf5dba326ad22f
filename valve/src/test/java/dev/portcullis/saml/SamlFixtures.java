package dev.portcullis.saml;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Test fixtures for the SAML layer: one IdP, one SP, a fixed clock, and responses that the
 * validator accepts unless a test changes one thing. Keys are generated once per JVM.
 */
public final class SamlFixtures {

    public static final String IDP = "https://idp.example.org/metadata";
    public static final String SP = "https://apps.example.com/sso/metadata";
    public static final String ACS = "https://apps.example.com/sso/acs";
    public static final String REQUEST_ID = "_request0123456789abcdef";
    public static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    public static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    public static final TestCredentials OTHER_KEY = TestCredentials.rsa("attacker.example.net");
    public static final TestCredentials IDP_EC_KEY = TestCredentials.ec("idp-ec.example.org");
    /** The SP's current key, which IdPs encrypt for. */
    public static final TestCredentials SP_KEY = TestCredentials.rsa("apps.example.com");
    /** The SP's previous key, still accepted for decryption during a rollover. */
    public static final TestCredentials SP_OLD_KEY = TestCredentials.rsa("apps.example.com (2025)");

    private SamlFixtures() {
    }

    /** A replay cache in a map, recording what it saw. */
    public static final class MemoryReplayCache implements ReplayCache {
        public final Map<String, Instant> entries = new ConcurrentHashMap<>();

        @Override
        public boolean firstUse(String key, Instant keepUntil) {
            return entries.putIfAbsent(key, keepUntil) == null;
        }
    }

    public static IdpMetadata idp(TestCredentials... keys) {
        return new IdpMetadata(IDP, java.util.Arrays.stream(keys).map(TestCredentials::certificate).toList(),
                Map.of(SamlConstants.REDIRECT_BINDING, "https://idp.example.org/sso"), Map.of(), false, null);
    }

    public static ResponseValidator.Options options() {
        return new ResponseValidator.Options(ACS, SP, true, false, Duration.ofMinutes(2), Duration.ofMinutes(5), 256 * 1024, false);
    }

    public static ResponseValidator validator() {
        return validator(options(), new MemoryReplayCache(), NOW, false, IDP_KEY);
    }

    public static ResponseValidator validator(ResponseValidator.Options options, ReplayCache replay, Instant now,
                                              boolean allowSha1, TestCredentials... keys) {
        return new ResponseValidator(options, idp(keys), new AlgorithmPolicy(allowSha1),
                new Decrypter(java.util.List.of(SP_KEY.privateKey(), SP_OLD_KEY.privateKey()), false, new SecureXml(), 256 * 1024),
                replay, new SecureXml(),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    /** A valid, unsigned response for alice answering {@link #REQUEST_ID}. */
    public static SamlResponseBuilder response() {
        SamlResponseBuilder builder = SamlResponseBuilder.valid(NOW, IDP, SP, ACS, REQUEST_ID, "alice@example.com");
        builder.attribute("roles", "user", "admin");
        builder.attribute("mail", "alice@example.com");
        return builder;
    }

    /** Builds, signs the assertion with the IdP key, and returns the document. */
    public static Document signedAssertion(SamlResponseBuilder builder) {
        Document doc = builder.build();
        XmlSigning.sign(assertion(doc), IDP_KEY);
        return doc;
    }

    /** Builds, lets a test change the DOM, then signs the assertion. */
    public static Document signedAssertion(SamlResponseBuilder builder, Consumer<Document> beforeSigning) {
        Document doc = builder.build();
        beforeSigning.accept(doc);
        XmlSigning.sign(assertion(doc), IDP_KEY);
        return doc;
    }

    public static Element assertion(Document doc) {
        return Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion");
    }

    public static String encode(Document doc) {
        return Xml.base64(doc);
    }

    /** The default, accepted message: assertion signed, answering {@link #REQUEST_ID}. */
    public static String validEncoded() {
        return encode(signedAssertion(response()));
    }
}
