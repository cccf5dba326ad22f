package dev.portcullis.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.IdpMetadataParser;
import dev.portcullis.saml.MetadataException;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SamlFixtures;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.ValidatedAssertion;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * The responses the fuzzer mutates: ones the test kit builds and signs the way {@link SamlFixtures}
 * does (assertion signed, both signed, only the Response signed, ECDSA, a comment inside the NameID,
 * unsolicited, encrypted), and every real IdP capture under {@code src/test/resources/golden/}, each
 * validated as its own SP would at the instant it was captured. Every seed is validated once,
 * unmutated, when the list is built: a seed that is refused stops the fuzz tests with the reason, so
 * rotting fixtures cannot make the fuzzer quietly test refusals only.
 */
final class FuzzSeeds {

    private static volatile List<FuzzSeed> all;

    private FuzzSeeds() {
    }

    /** All seeds, built once per JVM (the test kit's keys are generated per JVM). */
    static List<FuzzSeed> all() {
        List<FuzzSeed> seeds = all;
        if (seeds == null) {
            synchronized (FuzzSeeds.class) {
                if (all == null) {
                    List<FuzzSeed> built = new ArrayList<>(testKit());
                    built.addAll(golden());
                    all = List.copyOf(built);
                }
                seeds = all;
            }
        }
        return seeds;
    }

    // ------------------------------------------------------------------ test kit

    static List<FuzzSeed> testKit() {
        IdpMetadata idp = SamlFixtures.idp(SamlFixtures.IDP_KEY, SamlFixtures.IDP_EC_KEY);
        var solicited = FuzzSeed.options(SamlFixtures.ACS, SamlFixtures.SP, true, false);
        var responseOnly = FuzzSeed.options(SamlFixtures.ACS, SamlFixtures.SP, false, false);
        var unsolicited = FuzzSeed.options(SamlFixtures.ACS, SamlFixtures.SP, true, true);
        String request = SamlFixtures.REQUEST_ID;
        Instant now = SamlFixtures.NOW;

        List<FuzzSeed> seeds = new ArrayList<>();
        seeds.add(accepted(new FuzzSeed("testkit/assertion-signed", signed(SamlFixtures.response(), true, false,
                SamlFixtures.IDP_KEY, d -> { }), false, solicited, idp, now, request, null)));
        seeds.add(accepted(new FuzzSeed("testkit/both-signed", signed(SamlFixtures.response(), true, true,
                SamlFixtures.IDP_KEY, d -> { }), false, solicited, idp, now, request, null)));
        seeds.add(accepted(new FuzzSeed("testkit/response-signed", signed(SamlFixtures.response(), false, true,
                SamlFixtures.IDP_KEY, d -> { }), false, responseOnly, idp, now, request, null)));
        seeds.add(accepted(new FuzzSeed("testkit/ecdsa-assertion-signed", signed(SamlFixtures.response(), true, false,
                SamlFixtures.IDP_EC_KEY, d -> { }), false, solicited, idp, now, request, null)));

        // The NameID "bob.evil.net" split by a comment after signing: exclusive c14n without comments
        // ignores it, so the seed is valid and must keep yielding the whole name (CVE-2017-11427).
        SamlResponseBuilder bob = SamlFixtures.response();
        bob.nameId = "bob.evil.net";
        seeds.add(accepted(new FuzzSeed("testkit/comment-in-nameid", signed(bob, true, false, SamlFixtures.IDP_KEY, doc -> {
            Element nameId = Xml.first(doc, SamlConstants.ASSERTION_NS, "NameID");
            nameId.setTextContent("bob");
            nameId.appendChild(doc.createComment("x"));
            nameId.appendChild(doc.createTextNode(".evil.net"));
        }), false, solicited, idp, now, request, null)));

        SamlResponseBuilder idpInitiated = SamlFixtures.response();
        idpInitiated.inResponseTo = null;
        idpInitiated.subjectInResponseTo = null;
        seeds.add(accepted(new FuzzSeed("testkit/unsolicited", signed(idpInitiated, true, false, SamlFixtures.IDP_KEY,
                d -> { }), false, unsolicited, idp, now, null, null)));

        seeds.add(accepted(new FuzzSeed("testkit/assertion-signed-then-encrypted", signed(SamlFixtures.response(), true,
                false, SamlFixtures.IDP_KEY, d -> { }), true, solicited, idp, now, request, null)));
        return seeds;
    }

    /**
     * Builds and signs: the Assertion first, then the Response (an enveloping Response signature
     * covers the signed Assertion), then lets {@code afterSigning} change what no signature covers.
     */
    private static String signed(SamlResponseBuilder builder, boolean signAssertion, boolean signResponse,
                                 TestCredentials key, Consumer<Document> afterSigning) {
        Document doc = builder.build();
        if (signAssertion) {
            XmlSigning.sign(SamlFixtures.assertion(doc), key);
        }
        if (signResponse) {
            XmlSigning.sign(doc.getDocumentElement(), key);
        }
        afterSigning.accept(doc);
        return ResponseMutator.serialize(doc);
    }

    // ------------------------------------------------------------------ golden captures

    /** Every capture folder under {@code /golden/}, validated with its own metadata at its own instant. */
    static List<FuzzSeed> golden() {
        List<FuzzSeed> seeds = new ArrayList<>();
        for (String name : goldenNames()) {
            Properties expect = new Properties();
            try (InputStream in = resource("/golden/" + name + "/expect.properties")) {
                expect.load(in);
                String encoded = new String(resource("/golden/" + name + "/response.b64").readAllBytes(),
                        StandardCharsets.US_ASCII).trim();
                byte[] metadata = resource("/golden/" + name + "/idp-metadata.xml").readAllBytes();
                Instant at = Instant.parse(expect.getProperty("validateAt"));
                IdpMetadata idp = new IdpMetadataParser(FuzzSeed.SECURE_XML).parse(metadata, null, at);
                boolean assertionSigned = Boolean.parseBoolean(expect.getProperty("assertionSigned"));
                String xml = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
                seeds.add(accepted(new FuzzSeed("golden/" + name, xml, false,
                        FuzzSeed.options(expect.getProperty("acsUrl"), expect.getProperty("spEntityId"), assertionSigned,
                                false), idp, at, expect.getProperty("requestId"), null)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read golden capture " + name, e);
            } catch (MetadataException e) {
                throw new AssertionError("golden capture " + name + " has metadata the valve refuses: " + e.getMessage(), e);
            }
        }
        if (seeds.size() < 6) {
            throw new AssertionError("expected the six golden captures under /golden/, found " + seeds.size());
        }
        return seeds;
    }

    private static List<String> goldenNames() {
        URL root = FuzzSeeds.class.getResource("/golden/");
        if (root == null || !"file".equals(root.getProtocol())) {
            throw new AssertionError("the golden captures are not on the test class path as files: " + root);
        }
        try (Stream<Path> dirs = Files.list(Path.of(root.toURI()))) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve("response.b64")))
                    .map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = FuzzSeeds.class.getResourceAsStream(path);
        if (in == null) {
            throw new IOException("missing test resource " + path);
        }
        return in;
    }

    // ------------------------------------------------------------------

    /** The identities a mutant of {@code seed} may be accepted with: the seed's, and its donors'. */
    static List<ValidatedAssertion> acceptableIdentities(FuzzSeed seed, Mutant mutant) {
        List<ValidatedAssertion> identities = new ArrayList<>();
        identities.add(seed.genuine());
        for (FuzzSeed donor : all()) {
            if (mutant.donors().contains(donor.name())) {
                identities.add(donor.genuine());
            }
        }
        return identities;
    }

    /** The seed with its genuine identity, or an AssertionError saying why the unmutated seed is refused. */
    static FuzzSeed accepted(FuzzSeed seed) {
        String encoded = ResponseMutator.unmutated(seed).samlResponse();
        try {
            ValidatedAssertion identity = seed.validate(encoded);
            return seed.withGenuine(identity);
        } catch (SamlValidationException e) {
            throw new AssertionError("fuzz seed " + seed.name() + " is refused unmutated, so its mutants would"
                    + " test nothing but that refusal: " + e, e);
        }
    }
}
