package dev.portcullis.tools;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Setting;
import dev.portcullis.config.Settings;
import dev.portcullis.config.SettingsBuilder;
import dev.portcullis.engine.ServiceProviderFactory;
import dev.portcullis.saml.AlgorithmPolicy;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.IdpMetadataParser;
import dev.portcullis.saml.MetadataException;
import dev.portcullis.saml.MetadataFetcher;
import dev.portcullis.saml.ResponseValidator;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.SignatureValidator;

/**
 * The valve's configuration as saml-inspect uses it: the attributes from {@code --server-xml}, then
 * every {@code --set}, then {@code --idp-metadata}, all fed through the valve's own
 * {@link SettingsBuilder} so that parsing, defaults and error messages are exactly the valve's.
 * Departures, each announced in the report:
 * <ul>
 *   <li>without an SP key {@code signAuthnRequests} defaults to false (the tool signs nothing);</li>
 *   <li>{@code --without-sp-key} drops the key settings;</li>
 *   <li>an SP key the valve would refuse (too short, unreadable, not matching its certificate) is
 *       left out too, instead of ending the run: an operator diagnosing an old set-up needs the tool
 *       most. What needs the key (decrypting) is then reported as not checked, with the reason, and
 *       {@code wantAssertionsEncrypted} keeps applying.</li>
 * </ul>
 * The IdP metadata is what the running valve trusts: with {@code --server-xml} and metadata from a
 * URL, the valve's saved copy ({@code idpMetadataBackup}, by default under
 * {@code $CATALINA_BASE/work/portcullis/}), which the valve rewrites after every successful load or
 * refresh and which therefore holds the keys it validates with now; the URL fetched now is offered
 * beside it ({@link #freshIdp}). Otherwise the metadata is read as the valve reads it at start
 * ({@link MetadataFetcher}, {@link IdpMetadataParser}, {@code idpEntityId},
 * {@code idpMetadataSigningCertificate}).
 */
final class ValveSetup {

    private static final Set<Setting> SP_KEY_SETTINGS = Set.of(Setting.SP_KEYSTORE, Setting.SP_KEYSTORE_PASSWORD,
            Setting.SP_KEY_ALIAS, Setting.SP_PRIVATE_KEY, Setting.SP_CERTIFICATE, Setting.SP_SECONDARY_KEY_ALIAS,
            Setting.SP_SECONDARY_PRIVATE_KEY, Setting.SP_SECONDARY_CERTIFICATE);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(15);

    private final Settings settings;
    private final Map<String, String> attributes;
    private final List<String> notes;
    private final String catalinaBase;
    private final boolean metadataFromServerXml;
    private final String decryptionUnavailable;
    private final boolean wantAssertionsEncrypted;

    private ValveSetup(Settings settings, Map<String, String> attributes, List<String> notes, String catalinaBase,
                       boolean metadataFromServerXml, String decryptionUnavailable, boolean wantAssertionsEncrypted) {
        this.settings = settings;
        this.attributes = attributes;
        this.notes = notes;
        this.catalinaBase = catalinaBase;
        this.metadataFromServerXml = metadataFromServerXml;
        this.decryptionUnavailable = decryptionUnavailable;
        this.wantAssertionsEncrypted = wantAssertionsEncrypted;
    }

    /**
     * Builds the settings.
     *
     * @throws UsageException naming the setting at fault, in the valve's own words
     */
    static ValveSetup load(InspectOptions options, Properties system, Function<String, String> environment, SecureXml xml)
            throws UsageException {
        Map<String, String> attributes = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        String contextPath = "";
        String catalinaBase = null;
        if (options.serverXml() != null) {
            ServerXml.ValveElement valve = new ServerXml(system, environment, xml).read(options.serverXml());
            attributes.putAll(valve.attributes());
            catalinaBase = valve.catalinaBase();
            notes.add("from " + options.serverXml() + ": the first <Valve className=\"" + ServerXml.VALVE_CLASS + "\">"
                    + (valve.contextPath() == null ? ", in a <Context>"
                    : valve.contextPath().isEmpty() ? "" : ", in the Context " + valve.contextPath()));
            notes.addAll(valve.notes());
            if (valve.contextPath() == null && options.contextPath() == null) {
                throw new UsageException("the valve in " + options.serverXml() + " sits in a <Context> whose path the file"
                        + " does not tell; add --context-path /app");
            }
            contextPath = valve.contextPath() == null ? "" : valve.contextPath();
        }
        if (options.contextPath() != null) {
            contextPath = options.contextPath();
        }
        String fromFile = attributes.get(Setting.IDP_METADATA.attribute());
        for (Map.Entry<String, String> set : options.sets()) {
            attributes.put(set.getKey(), set.getValue());
        }
        if (options.idpMetadata() != null) {
            attributes.put(Setting.IDP_METADATA.attribute(), options.idpMetadata());
        }
        boolean metadataFromServerXml = fromFile != null && fromFile.equals(attributes.get(Setting.IDP_METADATA.attribute()));
        String decryptionUnavailable = null;
        if (options.withoutSpKey()) {
            SP_KEY_SETTINGS.forEach(s -> attributes.remove(s.attribute()));
            notes.add("--without-sp-key: the SP key settings are left out; encrypted content cannot be read");
            decryptionUnavailable = "--without-sp-key leaves the SP key out";
        }
        String protocol = attributes.get(Setting.PROTOCOL.attribute());
        if (protocol != null && protocol.trim().equalsIgnoreCase("oidc")) {
            throw new UsageException("the valve has protocol=\"oidc\": saml-inspect checks SAML Responses only (an OpenID"
                    + " Connect refusal's code and reason are in the log under its reference)");
        }
        boolean hasKey = attributes.containsKey(Setting.SP_KEYSTORE.attribute())
                || attributes.containsKey(Setting.SP_PRIVATE_KEY.attribute());
        if (!hasKey && !attributes.containsKey(Setting.SIGN_AUTHN_REQUESTS.attribute())) {
            attributes.put(Setting.SIGN_AUTHN_REQUESTS.attribute(), "false");
            notes.add("no SP key given: signAuthnRequests=false for this check (saml-inspect signs nothing)");
        }
        try {
            Settings settings = build(attributes, contextPath);
            return new ValveSetup(settings, attributes, notes, catalinaBase, metadataFromServerXml, decryptionUnavailable,
                    settings.wantAssertionsEncrypted());
        } catch (ConfigurationException e) {
            if (SP_KEY_SETTINGS.stream().noneMatch(s -> s.attribute().equals(e.setting()))) {
                throw new UsageException(e.getMessage(), e);
            }
            return withoutUnusableKey(attributes, notes, contextPath, catalinaBase, metadataFromServerXml, e);
        }
    }

    /**
     * The valve would not start with this SP key; the Response can still be checked without it. The key
     * is needed only to decrypt, so only decrypting is left undone, and said so.
     */
    private static ValveSetup withoutUnusableKey(Map<String, String> attributes, List<String> notes, String contextPath,
                                                 String catalinaBase, boolean metadataFromServerXml, ConfigurationException e)
            throws UsageException {
        Map<String, String> without = new LinkedHashMap<>(attributes);
        SP_KEY_SETTINGS.forEach(s -> without.remove(s.attribute()));
        without.put(Setting.SIGN_AUTHN_REQUESTS.attribute(), "false");
        // Settings refuses wantAssertionsEncrypted without an RSA key; the policy itself still applies.
        String wantEncrypted = without.remove(Setting.WANT_ASSERTIONS_ENCRYPTED.attribute());
        boolean wantAssertionsEncrypted;
        try {
            wantAssertionsEncrypted = (Boolean) Setting.WANT_ASSERTIONS_ENCRYPTED.parse(wantEncrypted == null
                    ? Setting.WANT_ASSERTIONS_ENCRYPTED.defaultValue() : wantEncrypted);
        } catch (RuntimeException bad) {
            throw new UsageException(e.getMessage(), e);
        }
        Settings settings;
        try {
            settings = build(without, contextPath);
        } catch (ConfigurationException again) {
            throw new UsageException(again.getMessage(), again);
        }
        List<String> all = new ArrayList<>(notes);
        all.add("the valve would not start with this SP key (" + e.getMessage() + "); it is left out here, so encrypted"
                + " content is reported as not checked");
        return new ValveSetup(settings, attributes, all, catalinaBase, metadataFromServerXml, e.getMessage(),
                wantAssertionsEncrypted);
    }

    private static Settings build(Map<String, String> attributes, String contextPath) {
        SettingsBuilder builder = new SettingsBuilder();
        attributes.forEach(builder::set);
        return builder.build(contextPath);
    }

    Settings settings() {
        return settings;
    }

    /** The attributes as given (after substitution), for the report; secrets masked by the caller. */
    Map<String, String> attributes() {
        return attributes;
    }

    List<String> notes() {
        return notes;
    }

    /** Why the SP key cannot decrypt here (it was left out, or the valve would refuse it), or null. */
    String decryptionUnavailable() {
        return decryptionUnavailable;
    }

    /** What the settings ask of every Response, as the valve builds it. */
    ResponseValidator.Options responseOptions() {
        ResponseValidator.Options o = ServiceProviderFactory.responseOptions(settings);
        return new ResponseValidator.Options(o.acsUrl(), o.spEntityId(), o.wantAssertionsSigned(), wantAssertionsEncrypted,
                o.clockSkew(), o.maxResponseAge(), o.maxResponseSize(), o.allowUnsolicited(), o.wantResponsesSigned(),
                o.requestedAuthnContext(), o.stepUpAuthnContext(), o.principalAttribute());
    }

    /**
     * The trusted IdP, as the running valve has it at {@code at}: with {@code --server-xml} and URL
     * metadata, the valve's saved copy when there is one; else as the valve would load it at start.
     *
     * @return the metadata and where it came from
     * @throws UsageException when the valve could not start with this metadata
     */
    LoadedIdp loadIdp(Instant at, SecureXml xml) throws UsageException {
        Object location = settings.idpMetadataLocation();
        SignatureValidator signer = metadataSigner();
        if (metadataFromServerXml && location instanceof URI) {
            Path saved = settings.idpMetadataBackup(catalinaBase).orElse(null);
            if (saved != null && Files.isReadable(saved)) {
                return savedCopy(saved, at, xml, signer);
            }
            notes.add(saved == null ? "the valve keeps no saved copy of the IdP metadata here (no catalina.base and no"
                    + " idpMetadataBackup): the URL is fetched now, and the running valve may trust an older copy"
                    : "the valve's saved copy " + saved + " is not there (is a valve running with this server.xml and this"
                    + " CATALINA_BASE?): the URL is fetched now, and the running valve may trust an older copy");
        }
        byte[] bytes;
        String source = location.toString();
        try {
            bytes = new MetadataFetcher(FETCH_TIMEOUT).fetch(location);
            if (location instanceof URI) {
                source = location + " (fetched now)";
            }
        } catch (MetadataException e) {
            Path backup = location instanceof URI ? settings.idpMetadataBackup(catalinaBase).orElse(null) : null;
            if (backup == null || !Files.isReadable(backup)) {
                throw new UsageException("Portcullis setting 'idpMetadata': " + e.getMessage(), e);
            }
            try {
                bytes = Files.readAllBytes(backup);
            } catch (IOException io) {
                throw new UsageException("Portcullis setting 'idpMetadata': " + e.getMessage() + "; the saved copy " + backup
                        + " cannot be read either", io);
            }
            source = backup + " (the valve's last good copy; " + location + " failed: " + e.getMessage() + ")";
        }
        try {
            IdpMetadata idp = new IdpMetadataParser(xml).parse(bytes, settings.idpEntityId().orElse(null), at, signer);
            return new LoadedIdp(idp, source, signer != null, false);
        } catch (MetadataException e) {
            throw new UsageException("Portcullis setting 'idpMetadata': " + e.getMessage() + " (judged at " + at + ")", e);
        }
    }

    /**
     * The copy the running valve saved. It was judged when the valve loaded it, so it is parsed as of
     * that moment; whether it has expired since is the {@code idp-metadata} step's to say, as in the valve.
     */
    private LoadedIdp savedCopy(Path saved, Instant at, SecureXml xml, SignatureValidator signer) throws UsageException {
        try {
            Instant savedAt = Files.getLastModifiedTime(saved).toInstant();
            byte[] bytes = Files.readAllBytes(saved);
            IdpMetadata idp = new IdpMetadataParser(xml).parse(bytes, settings.idpEntityId().orElse(null), savedAt, signer);
            String age = savedAt.isAfter(at) ? Text.human(Duration.between(at, savedAt)) + " after the check instant"
                    : Text.human(Duration.between(savedAt, at)) + " before the check instant";
            return new LoadedIdp(idp, "the valve's saved copy " + saved + ", written " + savedAt + " (" + age + ") when the"
                    + " valve last loaded " + settings.idpMetadataLocation() + ": what it trusts until its next successful"
                    + " refresh", signer != null, true);
        } catch (IOException e) {
            throw new UsageException("Portcullis setting 'idpMetadataBackup': cannot read the valve's saved copy " + saved
                    + " (" + e.getMessage() + ")", e);
        } catch (MetadataException e) {
            throw new UsageException("Portcullis setting 'idpMetadataBackup': the valve's saved copy " + saved + " cannot be"
                    + " used: " + e.getMessage(), e);
        }
    }

    /**
     * The IdP metadata fetched from its URL now, to check beside the saved copy the valve trusts: what
     * the valve will trust after its next refresh. Present only when {@link #loadIdp} used the saved copy.
     *
     * @return the metadata, or a problem saying why it could not be had
     */
    Fresh freshIdp(Instant at, SecureXml xml) {
        Object location = settings.idpMetadataLocation();
        try {
            byte[] bytes = new MetadataFetcher(FETCH_TIMEOUT).fetch(location);
            SignatureValidator signer = metadataSigner();
            IdpMetadata idp = new IdpMetadataParser(xml).parse(bytes, settings.idpEntityId().orElse(null), at, signer);
            return new Fresh(new LoadedIdp(idp, location + " (fetched now)", signer != null, false), null);
        } catch (MetadataException | UsageException e) {
            return new Fresh(null, e.getMessage());
        }
    }

    private SignatureValidator metadataSigner() throws UsageException {
        try {
            X509Certificate certificate = settings.idpMetadataSigningCertificate().orElse(null);
            return certificate == null ? null
                    : new SignatureValidator(List.of(certificate.getPublicKey()), new AlgorithmPolicy(false));
        } catch (ConfigurationException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    /**
     * @param idp              what the valve would trust
     * @param source           where it was read, and when
     * @param signatureChecked whether idpMetadataSigningCertificate verified it
     * @param savedCopy        it is the running valve's saved copy, so the URL is checked beside it
     */
    record LoadedIdp(IdpMetadata idp, String source, boolean signatureChecked, boolean savedCopy) {
    }

    /**
     * The URL's metadata now.
     *
     * @param loaded  the metadata, or null
     * @param problem why there is none, or null
     */
    record Fresh(LoadedIdp loaded, String problem) {
    }
}
