import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import javax.xml.XMLConstants;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.KeySelector;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Logs in to a real SAML IdP as a browser and an SP would, without the Portcullis valve, and
 * checks what comes back. JDK only, run as a single-file program (JDK 17+):
 *
 * <pre>
 * java scripts/tools/IdpLoginProbe.java keygen --out DIR
 * java scripts/tools/IdpLoginProbe.java login --metadata URL --user alice --password alice [options]
 * </pre>
 *
 * <p>{@code login} fetches the IdP metadata, builds an AuthnRequest with a known ID, sends it with
 * the HTTP-Redirect binding (raw deflate, base64, URL-encoded, signed with RSA-SHA256 over
 * {@code SAMLRequest=..&RelayState=..&SigAlg=..}, saml-bindings-2.0-os 3.4.4.1), follows the IdP
 * to its login form with a cookie jar, posts the user name and password with the form's hidden
 * fields, and reads SAMLResponse and RelayState from the auto-post form the IdP answers with. It
 * then checks the response: Destination, InResponseTo, Status, Issuer, every XML signature against
 * the metadata certificates, the subject confirmation, the conditions and the audience, and prints
 * NameID and attributes. With {@code --out} it writes the golden files response.b64,
 * idp-metadata.xml and expect.properties.
 *
 * <p>Options of {@code login}: {@code --sp-entity-id} (default http://localhost:8080/sso/metadata),
 * {@code --acs} (default http://localhost:8080/sso/acs), {@code --sp-key}/{@code --sp-cert} (PEM;
 * default $PORTCULLIS_SP_KEY/$PORTCULLIS_SP_CERT, else .cache/sp/sp.key and sp.crt found from the
 * current folder upwards), {@code --relay-state}, {@code --request-id}, {@code --nameid-format},
 * {@code --unsigned} (send the AuthnRequest without a signature), {@code --expect success|wrong-password|refused}
 * (default success), {@code --expect-nameid}, {@code --expect-roles a,b}, {@code --expect-signed
 * assertion|response|both}, {@code --out DIR}, {@code --label TEXT} (written into expect.properties),
 * {@code --verbose}.
 *
 * <p>Exit code 0 when the outcome is the expected one and every check passed, 1 otherwise, 2 for
 * bad usage.
 */
public final class IdpLoginProbe {

    static final String MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata";
    static final String SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
    static final String SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
    static final String DS_NS = "http://www.w3.org/2000/09/xmldsig#";
    static final String REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    static final String POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
    static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    static final int MAX_HOPS = 15;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("missing command");
        }
        Options options = Options.parse(args);
        switch (args[0]) {
            case "keygen" -> keygen(options);
            case "login" -> System.exit(new IdpLoginProbe(options).login() ? 0 : 1);
            default -> usage("unknown command " + args[0]);
        }
    }

    static void usage(String problem) {
        System.err.println("IdpLoginProbe: " + problem);
        System.err.println("usage: java IdpLoginProbe.java keygen --out DIR");
        System.err.println("       java IdpLoginProbe.java login --metadata URL --user U --password P [options]");
        System.err.println("       (options: see the class javadoc or docs/REAL-IDPS.md)");
        System.exit(2);
    }

    // ---- keygen ------------------------------------------------------------------------------

    /** A throwaway SP key pair, made with the JDK's keytool: DIR/sp.key (PKCS#8 PEM) and DIR/sp.crt. */
    static void keygen(Options options) throws Exception {
        Path dir = Path.of(options.required("out"));
        Files.createDirectories(dir);
        Path store = Files.createTempFile(dir, "sp", ".p12");
        Files.delete(store);
        String storePass = HexFormat.of().formatHex(random(16));
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "sp", "-keyalg", "RSA",
                "-keysize", "2048", "-sigalg", "SHA256withRSA", "-validity", "3650",
                "-dname", "CN=" + options.get("cn", "Portcullis throwaway test SP"), "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", storePass, "-keypass", storePass)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, storePass.toCharArray());
            }
            PrivateKey key = (PrivateKey) keyStore.getKey("sp", storePass.toCharArray());
            X509Certificate cert = (X509Certificate) keyStore.getCertificate("sp");
            Path keyFile = dir.resolve("sp.key");
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
            Files.writeString(dir.resolve("sp.crt"), pem("CERTIFICATE", cert.getEncoded()));
            System.out.println("wrote " + keyFile + " and " + dir.resolve("sp.crt"));
        } finally {
            Files.deleteIfExists(store);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    // ---- login -------------------------------------------------------------------------------

    enum Outcome { RESPONSE, LOGIN_PAGE_AGAIN, REFUSED }

    private final Options options;
    private final String spEntityId;
    private final String acsUrl;
    private final boolean verbose;
    private final List<String> failures = new ArrayList<>();
    private final LoopbackCookieJar cookies = new LoopbackCookieJar();
    private final HttpClient http;

    IdpLoginProbe(Options options) {
        this.options = options;
        this.spEntityId = options.get("sp-entity-id", "http://localhost:8080/sso/metadata");
        this.acsUrl = options.get("acs", "http://localhost:8080/sso/acs");
        this.verbose = options.flag("verbose");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // php -S speaks no HTTP/2 and no h2c upgrade
                .followRedirects(HttpClient.Redirect.NEVER) // followed by hand, each hop printed
                .cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    boolean login() throws Exception {
        String expect = options.get("expect", "success");
        if (!List.of("success", "wrong-password", "refused").contains(expect)) {
            usage("--expect must be success, wrong-password or refused");
        }
        String metadataUrl = options.required("metadata");
        String user = options.required("user");
        String password = options.required("password");
        boolean unsigned = options.flag("unsigned");

        // 1. IdP metadata: entityID, the HTTP-Redirect SSO endpoint, the signing certificates.
        HttpResponse<byte[]> metadataResponse = send(HttpRequest.newBuilder(URI.create(metadataUrl)).GET().build());
        if (metadataResponse.statusCode() != 200) {
            throw new IllegalStateException("metadata " + metadataUrl + " answered " + metadataResponse.statusCode());
        }
        byte[] metadataBytes = metadataResponse.body();
        Element descriptor = parseXml(metadataBytes).getDocumentElement();
        String idpEntityId = descriptor.getAttribute("entityID");
        Element idpSso = first(descriptor, MD_NS, "IDPSSODescriptor");
        if (idpSso == null) {
            throw new IllegalStateException("no IDPSSODescriptor in " + metadataUrl);
        }
        String ssoUrl = null;
        for (Element sso : children(idpSso, MD_NS, "SingleSignOnService")) {
            if (REDIRECT_BINDING.equals(sso.getAttribute("Binding"))) {
                ssoUrl = sso.getAttribute("Location");
                break;
            }
        }
        if (ssoUrl == null) {
            throw new IllegalStateException("the IdP has no HTTP-Redirect SingleSignOnService");
        }
        List<X509Certificate> idpCerts = signingCertificates(idpSso);
        System.out.println("IdP       " + idpEntityId + " (metadata " + metadataUrl + ", "
                + idpCerts.size() + " signing certificate(s), WantAuthnRequestsSigned="
                + idpSso.getAttribute("WantAuthnRequestsSigned") + ")");

        // 2. The AuthnRequest, sent with the HTTP-Redirect binding.
        String requestId = options.get("request-id", "_" + HexFormat.of().formatHex(random(16)));
        String relayState = options.get("relay-state", "probe-" + HexFormat.of().formatHex(random(6)));
        Instant issueInstant = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String authnRequest = authnRequest(requestId, issueInstant, ssoUrl, options.get("nameid-format", null));
        PrivateKey spKey = unsigned ? null : readPrivateKey(spFile("key"));
        String redirect = redirectUrl(ssoUrl, authnRequest, relayState, spKey);
        System.out.println("request   " + requestId + (unsigned ? " unsigned" : " signed rsa-sha256") + " -> " + ssoUrl);

        // 3. Follow the IdP to its login form.
        Page page = follow(HttpRequest.newBuilder(URI.create(redirect)).GET().build());
        Form loginForm = page.formWith("password");
        if (loginForm == null) {
            System.out.println("refused   the IdP showed no login form: HTTP " + page.status + " at " + brief(page.uri)
                    + " — " + page.summary());
            return finish(expect, Outcome.REFUSED);
        }
        System.out.println("login     form at " + brief(page.uri) + " posts to " + brief(loginForm.action));

        // 4. Post the credentials with the form's own hidden fields (SimpleSAMLphp's AuthState).
        Map<String, String> fields = new LinkedHashMap<>(loginForm.fields);
        fields.put("username", user);
        fields.put("password", password);
        page = follow(HttpRequest.newBuilder(loginForm.action)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(fields))).build());
        Form postForm = page.formWith("SAMLResponse");
        if (postForm == null) {
            if (page.formWith("password") != null) {
                System.out.println("rejected  " + user + ": the IdP showed its login page again (HTTP " + page.status
                        + ") — " + page.summary());
                return finish(expect, Outcome.LOGIN_PAGE_AGAIN);
            }
            System.out.println("refused   no SAMLResponse after the login: HTTP " + page.status + " at " + brief(page.uri)
                    + " — " + page.summary());
            return finish(expect, Outcome.REFUSED);
        }

        // 5. The auto-post form: SAMLResponse exactly as a browser would post it.
        String samlResponse = postForm.fields.get("SAMLResponse");
        String postedRelayState = postForm.fields.get("RelayState");
        System.out.println("response  auto-post form to " + postForm.action + " (" + samlResponse.length()
                + " base64 characters, " + cookies.securedOnHttp + " Secure cookie(s) kept on loopback http)");
        check("form action is the ACS URL", acsUrl, postForm.action.toString());
        check("RelayState comes back unchanged", relayState, postedRelayState);

        Checked checked = checkResponse(samlResponse, requestId, idpEntityId, idpCerts);
        boolean ok = finish(expect, Outcome.RESPONSE);
        if (ok && options.has("out")) {
            writeGolden(Path.of(options.get("out", null)), samlResponse, metadataBytes, checked, requestId,
                    postedRelayState, idpEntityId, metadataUrl, user);
        }
        return ok;
    }

    private boolean finish(String expect, Outcome outcome) {
        boolean expected = switch (expect) {
            case "success" -> outcome == Outcome.RESPONSE;
            case "wrong-password" -> outcome == Outcome.LOGIN_PAGE_AGAIN;
            default -> outcome == Outcome.REFUSED;
        };
        if (!expected) {
            failures.add("outcome " + outcome + ", expected " + expect);
        }
        if (failures.isEmpty()) {
            System.out.println("OK        outcome " + outcome + " as expected (" + expect + ")");
            return true;
        }
        failures.forEach(f -> System.out.println("FAILED    " + f));
        return false;
    }

    String authnRequest(String id, Instant issueInstant, String destination, String nameIdFormat) {
        return "<samlp:AuthnRequest xmlns:samlp=\"" + SAMLP_NS + "\" xmlns:saml=\"" + SAML_NS + "\" ID=\"" + id
                + "\" Version=\"2.0\" IssueInstant=\"" + issueInstant + "\" Destination=\"" + xmlEscape(destination)
                + "\" AssertionConsumerServiceURL=\"" + xmlEscape(acsUrl) + "\" ProtocolBinding=\"" + POST_BINDING
                + "\"><saml:Issuer>" + xmlEscape(spEntityId) + "</saml:Issuer><samlp:NameIDPolicy AllowCreate=\"true\""
                + (nameIdFormat == null ? "" : " Format=\"" + xmlEscape(nameIdFormat) + "\"")
                + "/></samlp:AuthnRequest>";
    }

    /** saml-bindings-2.0-os 3.4.4.1: the signature covers the URL-encoded query parameters in this order. */
    static String redirectUrl(String ssoUrl, String request, String relayState, PrivateKey key) throws Exception {
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(deflated, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
            out.write(request.getBytes(StandardCharsets.UTF_8));
        }
        StringBuilder query = new StringBuilder("SAMLRequest=")
                .append(url(Base64.getEncoder().encodeToString(deflated.toByteArray())))
                .append("&RelayState=").append(url(relayState));
        if (key != null) {
            query.append("&SigAlg=").append(url(RSA_SHA256));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(query.toString().getBytes(StandardCharsets.US_ASCII));
            query.append("&Signature=").append(url(Base64.getEncoder().encodeToString(signer.sign())));
        }
        return ssoUrl + (ssoUrl.contains("?") ? "&" : "?") + query;
    }

    // ---- response checks ---------------------------------------------------------------------

    record Checked(String nameId, String nameIdFormat, Map<String, List<String>> attributes, boolean responseSigned, boolean assertionSigned, String signatureAlgorithm, String digestAlgorithm,
                   Instant issueInstant, Instant notBefore, Instant notOnOrAfter, Instant confirmationNotOnOrAfter,
                   Instant validateAt, String sessionIndex, String audience) {
    }

    Checked checkResponse(String base64, String requestId, String idpEntityId, List<X509Certificate> certs)
            throws Exception {
        Document document = parseXml(Base64.getMimeDecoder().decode(base64));
        Element response = document.getDocumentElement();
        check("root element", SAMLP_NS + " Response", response.getNamespaceURI() + " " + response.getLocalName());
        check("Response Destination", acsUrl, response.getAttribute("Destination"));
        check("Response InResponseTo", requestId, response.getAttribute("InResponseTo"));
        check("Response Issuer", idpEntityId, text(first(response, SAML_NS, "Issuer")));
        Element statusCode = first(first(response, SAMLP_NS, "Status"), SAMLP_NS, "StatusCode");
        check("Status", SUCCESS, statusCode == null ? null : statusCode.getAttribute("Value"));
        check("EncryptedAssertion count", "0", String.valueOf(children(response, SAML_NS, "EncryptedAssertion").size()));
        List<Element> assertions = children(response, SAML_NS, "Assertion");
        check("Assertion count", "1", String.valueOf(assertions.size()));
        if (assertions.size() != 1) {
            throw new IllegalStateException("cannot go on without exactly one assertion");
        }
        Element assertion = assertions.get(0);
        check("Assertion Issuer", idpEntityId, text(first(assertion, SAML_NS, "Issuer")));

        // Signatures: each one must verify with a metadata certificate and reference its parent.
        String[] algorithms = new String[2];
        boolean responseSigned = verifySignature("Response", response, certs, algorithms);
        boolean assertionSigned = verifySignature("Assertion", assertion, certs, algorithms);
        if (!responseSigned && !assertionSigned) {
            failures.add("neither the Response nor the Assertion is signed");
        }
        String expectSigned = options.get("expect-signed", null);
        if (expectSigned != null) {
            String actual = responseSigned && assertionSigned ? "both" : responseSigned ? "response" : "assertion";
            check("signed elements", expectSigned, actual);
        }

        Element subject = first(assertion, SAML_NS, "Subject");
        Element nameIdElement = first(subject, SAML_NS, "NameID");
        String nameId = text(nameIdElement);
        String nameIdFormat = nameIdElement == null ? null : nameIdElement.getAttribute("Format");
        Element confirmation = first(subject, SAML_NS, "SubjectConfirmation");
        check("SubjectConfirmation Method", BEARER, confirmation == null ? null : confirmation.getAttribute("Method"));
        Element confirmationData = first(confirmation, SAML_NS, "SubjectConfirmationData");
        check("SubjectConfirmationData InResponseTo", requestId, attr(confirmationData, "InResponseTo"));
        check("SubjectConfirmationData Recipient", acsUrl, attr(confirmationData, "Recipient"));
        Instant confirmationNotOnOrAfter = instant(attr(confirmationData, "NotOnOrAfter"));

        Element conditions = first(assertion, SAML_NS, "Conditions");
        Instant notBefore = instant(attr(conditions, "NotBefore"));
        Instant notOnOrAfter = instant(attr(conditions, "NotOnOrAfter"));
        Element audience = first(first(conditions, SAML_NS, "AudienceRestriction"), SAML_NS, "Audience");
        check("Audience", spEntityId, text(audience));
        Element authnStatement = first(assertion, SAML_NS, "AuthnStatement");
        String sessionIndex = authnStatement == null ? null : authnStatement.getAttribute("SessionIndex");

        Map<String, List<String>> attributes = new LinkedHashMap<>();
        int roleElements = 0;
        for (Element statement : children(assertion, SAML_NS, "AttributeStatement")) {
            for (Element attribute : children(statement, SAML_NS, "Attribute")) {
                String name = attribute.getAttribute("Name");
                if (name.equals("roles")) {
                    roleElements++;
                }
                List<String> values = attributes.computeIfAbsent(name, n -> new ArrayList<>());
                for (Element value : children(attribute, SAML_NS, "AttributeValue")) {
                    values.add(text(value));
                }
            }
        }
        check("number of <Attribute Name=\"roles\"> elements", "1", String.valueOf(roleElements));
        if (options.has("expect-nameid")) {
            check("NameID", options.get("expect-nameid", null), nameId);
        }
        if (options.has("expect-roles")) {
            check("roles", sorted(List.of(options.get("expect-roles", "").split(","))),
                    sorted(attributes.getOrDefault("roles", List.of())));
        }

        // A moment that a validator can use as "now": just after the IssueInstant, inside every window.
        Instant issueInstant = instant(response.getAttribute("IssueInstant"));
        Instant latestStart = notBefore == null || notBefore.isBefore(issueInstant) ? issueInstant : notBefore;
        Instant earliestEnd = earliest(notOnOrAfter, confirmationNotOnOrAfter);
        Instant validateAt = latestStart.plusSeconds(5);
        if (earliestEnd != null && !validateAt.isBefore(earliestEnd)) {
            validateAt = latestStart;
        }
        if (earliestEnd != null && !latestStart.isBefore(earliestEnd)) {
            failures.add("the assertion has an empty validity window: " + latestStart + " .. " + earliestEnd);
        }

        System.out.println("checked   Destination, InResponseTo, Status, Issuer, Recipient, Audience"
                + (failures.isEmpty() ? " — all as expected" : " — see FAILED lines"));
        System.out.println("signed    Response " + (responseSigned ? "yes" : "no") + ", Assertion "
                + (assertionSigned ? "yes" : "no") + " (" + algorithms[0] + ", " + algorithms[1] + ")");
        System.out.println("NameID    " + nameId + " (" + nameIdFormat + ")");
        attributes.forEach((name, values) -> System.out.println("attribute " + name + " = " + values));
        System.out.println("valid     " + notBefore + " .. " + notOnOrAfter + " (bearer until " + confirmationNotOnOrAfter
                + "); issued " + issueInstant + "; validate at " + validateAt);
        return new Checked(nameId, nameIdFormat, attributes, responseSigned, assertionSigned,
                algorithms[0], algorithms[1], issueInstant, notBefore, notOnOrAfter, confirmationNotOnOrAfter,
                validateAt, sessionIndex, text(audience));
    }

    /**
     * Verifies the ds:Signature that is a direct child of {@code element}, if any, with the JDK's
     * XML signature API (secure validation on). Returns whether there was one and it verified.
     */
    private boolean verifySignature(String label, Element element, List<X509Certificate> certs, String[] algorithms)
            throws Exception {
        Element signature = first(element, DS_NS, "Signature");
        if (signature == null) {
            return false;
        }
        XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
        for (X509Certificate cert : certs) {
            DOMValidateContext context = new DOMValidateContext(KeySelector.singletonKeySelector(cert.getPublicKey()), signature);
            context.setIdAttributeNS(element, null, "ID");
            XMLSignature xmlSignature = factory.unmarshalXMLSignature(context);
            if (xmlSignature.validate(context)) {
                List<?> references = xmlSignature.getSignedInfo().getReferences();
                Reference reference = (Reference) references.get(0);
                check(label + " signature references its own element", "#" + element.getAttribute("ID"),
                        references.size() == 1 ? reference.getURI() : references.size() + " references");
                algorithms[0] = xmlSignature.getSignedInfo().getSignatureMethod().getAlgorithm();
                algorithms[1] = reference.getDigestMethod().getAlgorithm();
                return true;
            }
        }
        failures.add(label + " signature does not verify with any metadata certificate");
        return false;
    }

    // ---- golden files ------------------------------------------------------------------------

    private void writeGolden(Path dir, String samlResponse, byte[] metadata, Checked c, String requestId,
                             String relayState, String idpEntityId, String metadataUrl, String user) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("response.b64"), samlResponse);
        Files.write(dir.resolve("idp-metadata.xml"), metadata);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("idpEntityId", idpEntityId);
        p.put("idpMetadataUrl", metadataUrl);
        p.put("spEntityId", spEntityId);
        p.put("acsUrl", acsUrl);
        p.put("requestId", requestId);
        p.put("relayState", relayState);
        p.put("user", user);
        p.put("validateAt", c.validateAt().toString());
        p.put("responseIssueInstant", c.issueInstant().toString());
        p.put("conditionsNotBefore", String.valueOf(c.notBefore()));
        p.put("conditionsNotOnOrAfter", String.valueOf(c.notOnOrAfter()));
        p.put("subjectConfirmationNotOnOrAfter", String.valueOf(c.confirmationNotOnOrAfter()));
        p.put("audience", c.audience());
        p.put("nameId", c.nameId());
        p.put("nameIdFormat", c.nameIdFormat());
        p.put("sessionIndex", String.valueOf(c.sessionIndex()));
        p.put("roles", String.join(",", c.attributes().getOrDefault("roles", List.of())));
        p.put("attributeNames", String.join(",", new TreeSet<>(c.attributes().keySet())));
        c.attributes().forEach((name, values) -> p.put("attribute." + name, String.join(",", values)));
        p.put("responseSigned", String.valueOf(c.responseSigned()));
        p.put("assertionSigned", String.valueOf(c.assertionSigned()));
        p.put("signatureAlgorithm", c.signatureAlgorithm());
        p.put("digestAlgorithm", c.digestAlgorithm());
        StringBuilder out = new StringBuilder();
        out.append("# Captured by scripts/tools/IdpLoginProbe.java").append(options.has("label") ? " from " + options.get("label", "") : "")
                .append(" at ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append("# Multi-valued entries are comma separated, in the order the IdP sent them.\n");
        p.forEach((key, value) -> out.append(key).append('=').append(propertyValue(value)).append('\n'));
        Files.writeString(dir.resolve("expect.properties"), out);
        System.out.println("wrote     " + dir.resolve("response.b64") + ", idp-metadata.xml, expect.properties");
    }

    static String propertyValue(String value) {
        StringBuilder out = new StringBuilder();
        for (char ch : value.toCharArray()) {
            if (ch == '\\') {
                out.append("\\\\");
            } else if (ch < 0x20 || ch > 0x7e) {
                out.append(String.format("\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    // ---- HTTP and HTML -----------------------------------------------------------------------

    HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (verbose) {
            System.out.println("  " + request.method() + " " + request.uri() + " -> " + response.statusCode());
        }
        return response;
    }

    /** Sends the request and follows redirects (as GET) until a page that is not a redirect. */
    Page follow(HttpRequest request) throws IOException, InterruptedException {
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            HttpResponse<byte[]> response = send(request);
            int status = response.statusCode();
            String location = response.headers().firstValue("Location").orElse(null);
            if (status >= 300 && status < 400 && location != null) {
                request = HttpRequest.newBuilder(request.uri().resolve(location)).GET().build();
                continue;
            }
            return new Page(request.uri(), status, new String(response.body(), StandardCharsets.UTF_8));
        }
        throw new IllegalStateException("more than " + MAX_HOPS + " redirects from " + request.uri());
    }

    record Form(URI action, Map<String, String> fields) {
    }

    record Page(URI uri, int status, String html) {
        static final Pattern FORM = Pattern.compile("(?is)<form\\b([^>]*)>(.*?)</form>");
        static final Pattern INPUT = Pattern.compile("(?is)<input\\b([^>]*)>");
        static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
        static final Pattern ERROR = Pattern.compile(
                "(?is)<(span|div|p|h[1-6])\\b[^>]*\\b(?:id|class)=\"[^\"]*(?:error|alert)[^\"]*\"[^>]*>(.*?)</\\1>");
        // SimpleSAMLphp 1.19's login page: an error icon, then heading and text up to the box's end.
        static final Pattern ERROR_BOX = Pattern.compile("(?is)class=\"[^\"]*erroricon[^\"]*\"[^>]*>(.*?)</div>");

        /** The first form with an input of the given name, with its inputs' current values. */
        Form formWith(String inputName) {
            Matcher forms = FORM.matcher(html);
            while (forms.find()) {
                Map<String, String> formAttributes = attributes(forms.group(1));
                Map<String, String> fields = new LinkedHashMap<>();
                Matcher inputs = INPUT.matcher(forms.group(2));
                while (inputs.find()) {
                    Map<String, String> input = attributes(inputs.group(1));
                    String name = input.get("name");
                    String type = input.getOrDefault("type", "text").toLowerCase(Locale.ROOT);
                    if (name != null && !type.equals("submit") && !type.equals("checkbox")) {
                        fields.put(name, input.getOrDefault("value", ""));
                    }
                }
                if (fields.containsKey(inputName)) {
                    String action = formAttributes.getOrDefault("action", "");
                    return new Form(resolve(uri, action), fields);
                }
            }
            return null;
        }

        /**
         * RFC 3986 section 5.2 reference resolution for form actions. URI.resolve follows RFC 2396,
         * which turns a query-only reference such as SimpleSAMLphp's action="?" into the parent
         * folder; here it keeps the path and replaces the query, as browsers do.
         */
        static URI resolve(URI base, String reference) {
            if (reference.isEmpty() || reference.startsWith("#")) {
                return base;
            }
            if (reference.startsWith("?")) {
                String text = base.toString();
                int end = text.indexOf('?') >= 0 ? text.indexOf('?') : text.indexOf('#') >= 0 ? text.indexOf('#') : text.length();
                return URI.create(text.substring(0, end) + reference);
            }
            return base.resolve(reference);
        }

        /** The page title and its first error or alert text, for reports. */
        String summary() {
            Matcher title = TITLE.matcher(html);
            Matcher error = ERROR.matcher(html);
            String summary = "title \"" + (title.find() ? plain(title.group(1)) : "") + "\"";
            while (error.find()) {
                String text = plain(error.group(2));
                if (!text.isEmpty()) {
                    return summary + ", message \"" + text + "\"";
                }
            }
            Matcher box = ERROR_BOX.matcher(html);
            return box.find() ? summary + ", message \"" + plain(box.group(1)) + "\"" : summary;
        }

        static String plain(String html) {
            return decodeEntities(html.replaceAll("(?s)<[^>]*>", " ")).replaceAll("\\s+", " ").trim();
        }
    }

    static final Pattern ATTRIBUTE = Pattern.compile(
            "([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+)))?");

    static Map<String, String> attributes(String tag) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(tag);
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
            attributes.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), value == null ? "" : decodeEntities(value));
        }
        return attributes;
    }

    static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|amp|lt|gt|quot|apos|nbsp);");

    static String decodeEntities(String text) {
        Matcher m = ENTITY.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String entity = m.group(1);
            String replacement = switch (entity) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                case "nbsp" -> " ";
                default -> new String(Character.toChars(entity.startsWith("#x") || entity.startsWith("#X")
                        ? Integer.parseInt(entity.substring(2), 16) : Integer.parseInt(entity.substring(1))));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String formEncode(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> url(e.getKey()) + "=" + url(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /**
     * Keycloak marks its cookies Secure even on plain http. The JDK's CookieManager then never
     * sends them back over http, and the login loops. Browsers treat http://localhost and
     * 127.0.0.1 as secure contexts and do send them; this jar does the same, for loopback hosts
     * only, by dropping the Secure attribute before storing.
     */
    static final class LoopbackCookieJar extends CookieHandler {
        private static final Pattern SECURE = Pattern.compile("(?i);\\s*secure\\s*(?=;|$)");
        private final CookieManager store = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        int securedOnHttp;

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
            return store.get(uri, headers);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws IOException {
            if (!"http".equalsIgnoreCase(uri.getScheme()) || !isLoopback(uri.getHost())) {
                store.put(uri, headers);
                return;
            }
            Map<String, List<String>> rewritten = new LinkedHashMap<>();
            headers.forEach((name, values) -> {
                if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                    List<String> plain = new ArrayList<>();
                    for (String value : values) {
                        String stripped = SECURE.matcher(value).replaceAll("");
                        if (!stripped.equals(value)) {
                            securedOnHttp++;
                        }
                        plain.add(stripped);
                    }
                    rewritten.put(name, plain);
                } else {
                    rewritten.put(name, values);
                }
            });
            store.put(uri, rewritten);
        }

        static boolean isLoopback(String host) {
            if (host == null) {
                return false;
            }
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            try {
                return host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+\\]?") && InetAddress.getByName(host).isLoopbackAddress();
            } catch (IOException e) {
                return false;
            }
        }
    }

    // ---- XML and small helpers ---------------------------------------------------------------

    static Document parseXml(byte[] bytes) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    static List<X509Certificate> signingCertificates(Element idpSso) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certs = new ArrayList<>();
        for (Element keyDescriptor : children(idpSso, MD_NS, "KeyDescriptor")) {
            String use = keyDescriptor.getAttribute("use");
            if (!use.isEmpty() && !use.equals("signing")) {
                continue;
            }
            var list = keyDescriptor.getElementsByTagNameNS(DS_NS, "X509Certificate");
            for (int i = 0; i < list.getLength(); i++) {
                byte[] der = Base64.getMimeDecoder().decode(list.item(i).getTextContent().trim());
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        }
        if (certs.isEmpty()) {
            throw new IllegalStateException("the IdP metadata has no signing certificate");
        }
        return certs;
    }

    static List<Element> children(Element parent, String ns, String localName) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                found.add(e);
            }
        }
        return found;
    }

    static Element first(Element parent, String ns, String localName) {
        List<Element> found = children(parent, ns, localName);
        return found.isEmpty() ? null : found.get(0);
    }

    static String text(Element element) {
        return element == null ? null : element.getTextContent().trim();
    }

    static String attr(Element element, String name) {
        return element == null || !element.hasAttribute(name) ? null : element.getAttribute(name);
    }

    /** A URI without its query, for reports (the query holds long one-time codes). */
    static String brief(URI uri) {
        return uri.getRawQuery() == null ? uri.toString() : uri.toString().substring(0, uri.toString().indexOf('?')) + "?...";
    }

    static Instant instant(String value) {
        return value == null || value.isEmpty() ? null : Instant.parse(value);
    }

    static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static String sorted(List<String> values) {
        return values.stream().map(String::trim).sorted().collect(Collectors.joining(","));
    }

    void check(String what, String expected, String actual) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            failures.add(what + ": expected [" + expected + "], got [" + actual + "]");
        }
    }

    Path spFile(String kind) {
        String option = options.get("sp-" + kind, System.getenv(kind.equals("key") ? "PORTCULLIS_SP_KEY" : "PORTCULLIS_SP_CERT"));
        if (option != null) {
            return Path.of(option);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(".cache/sp/sp." + (kind.equals("key") ? "key" : "crt"));
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no SP " + kind + ": give --sp-" + kind + " (or run an IdP script once, which"
                + " makes .cache/sp/sp.key and sp.crt)");
    }

    static PrivateKey readPrivateKey(Path file) throws Exception {
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalStateException(file + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with"
                    + " openssl pkcs8 -topk8 -nocrypt");
        }
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String xmlEscape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }

    static byte[] random(int bytes) {
        byte[] out = new byte[bytes];
        new SecureRandom().nextBytes(out);
        return out;
    }

    /** --name value pairs and bare --flags after the command. */
    record Options(Map<String, String> values) {
        static final List<String> FLAGS = List.of("unsigned", "verbose");

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 1; i < args.length; i++) {
                if (!args[i].startsWith("--")) {
                    usage("unexpected argument " + args[i]);
                }
                String name = args[i].substring(2);
                if (FLAGS.contains(name)) {
                    values.put(name, "true");
                } else if (i + 1 < args.length) {
                    values.put(name, args[++i]);
                } else {
                    usage("--" + name + " needs a value");
                }
            }
            return new Options(values);
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        boolean flag(String name) {
            return "true".equals(values.get(name));
        }

        String get(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        String required(String name) {
            String value = values.get(name);
            if (value == null) {
                usage("--" + name + " is required");
            }
            return value;
        }
    }
}
