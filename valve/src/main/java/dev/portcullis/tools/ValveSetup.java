package dev.portcullis.tools;

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
import dev.portcullis.saml.AlgorithmPolicy;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.IdpMetadataParser;
import dev.portcullis.saml.MetadataException;
import dev.portcullis.saml.MetadataFetcher;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.SignatureValidator;

/**
 * The valve's configuration as saml-inspect uses it: the attributes from {@code --server-xml}, then
 * every {@code --set}, then {@code --idp-metadata}, all fed through the valve's own
 * {@link SettingsBuilder} so that parsing, defaults and error messages are exactly the valve's.
 * Two departures, both announced in the report: without an SP key {@code signAuthnRequests}
 * defaults to false (the tool signs nothing), and {@code --without-sp-key} drops the key settings.
 * The IdP metadata is then read as the valve reads it at start ({@link MetadataFetcher},
 * {@link IdpMetadataParser}, {@code idpEntityId}, {@code idpMetadataSigningCertificate}), judged
 * at the check instant.
 */
final class ValveSetup {

    private static final Set<Setting> SP_KEY_SETTINGS = Set.of(Setting.SP_KEYSTORE, Setting.SP_KEYSTORE_PASSWORD,
            Setting.SP_KEY_ALIAS, Setting.SP_PRIVATE_KEY, Setting.SP_CERTIFICATE, Setting.SP_SECONDARY_KEY_ALIAS,
            Setting.SP_SECONDARY_PRIVATE_KEY, Setting.SP_SECONDARY_CERTIFICATE);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(15);

    private final Settings settings;
    private final Map<String, String> attributes;
    private final List<String> notes;

    private ValveSetup(Settings settings, Map<String, String> attributes, List<String> notes) {
        this.settings = settings;
        this.attributes = attributes;
        this.notes = notes;
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
        if (options.serverXml() != null) {
            ServerXml.ValveElement valve = new ServerXml(system, environment, xml).read(options.serverXml());
            attributes.putAll(valve.attributes());
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
        for (Map.Entry<String, String> set : options.sets()) {
            attributes.put(set.getKey(), set.getValue());
        }
        if (options.idpMetadata() != null) {
            attributes.put(Setting.IDP_METADATA.attribute(), options.idpMetadata());
        }
        if (options.withoutSpKey()) {
            SP_KEY_SETTINGS.forEach(s -> attributes.remove(s.attribute()));
            notes.add("--without-sp-key: the SP key settings are left out; encrypted content cannot be read");
        }
        boolean hasKey = attributes.containsKey(Setting.SP_KEYSTORE.attribute())
                || attributes.containsKey(Setting.SP_PRIVATE_KEY.attribute());
        if (!hasKey && !attributes.containsKey(Setting.SIGN_AUTHN_REQUESTS.attribute())) {
            attributes.put(Setting.SIGN_AUTHN_REQUESTS.attribute(), "false");
            notes.add("no SP key given: signAuthnRequests=false for this check (saml-inspect signs nothing)");
        }
        SettingsBuilder builder = new SettingsBuilder();
        attributes.forEach(builder::set);
        try {
            Settings settings = builder.build(contextPath);
            return new ValveSetup(settings, attributes, notes);
        } catch (ConfigurationException e) {
            boolean keySetting = SP_KEY_SETTINGS.stream().anyMatch(s -> s.attribute().equals(e.setting()));
            throw new UsageException(e.getMessage() + (keySetting ? " (the SP key is only needed to decrypt encrypted"
                    + " assertions; --without-sp-key leaves it out)" : ""), e);
        }
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

    /**
     * The trusted IdP, as the valve would load it at {@code at}.
     *
     * @return the metadata and where it came from
     * @throws UsageException when the valve could not start with this metadata
     */
    LoadedIdp loadIdp(Instant at, SecureXml xml) throws UsageException {
        Object location = settings.idpMetadataLocation();
        byte[] bytes;
        String source = location.toString();
        try {
            bytes = new MetadataFetcher(FETCH_TIMEOUT).fetch(location);
        } catch (MetadataException e) {
            Path backup = location instanceof URI ? settings.idpMetadataBackup().orElse(null) : null;
            if (backup == null || !Files.isReadable(backup)) {
                throw new UsageException("Portcullis setting 'idpMetadata': " + e.getMessage(), e);
            }
            try {
                bytes = Files.readAllBytes(backup);
            } catch (java.io.IOException io) {
                throw new UsageException("Portcullis setting 'idpMetadata': " + e.getMessage() + "; the saved copy " + backup
                        + " cannot be read either", io);
            }
            source = backup + " (the valve's last good copy; " + location + " failed: " + e.getMessage() + ")";
        }
        SignatureValidator signer = null;
        try {
            X509Certificate certificate = settings.idpMetadataSigningCertificate().orElse(null);
            if (certificate != null) {
                signer = new SignatureValidator(List.of(certificate.getPublicKey()), new AlgorithmPolicy(false));
            }
        } catch (ConfigurationException e) {
            throw new UsageException(e.getMessage(), e);
        }
        try {
            IdpMetadata idp = new IdpMetadataParser(xml).parse(bytes, settings.idpEntityId().orElse(null), at, signer);
            return new LoadedIdp(idp, source, signer != null);
        } catch (MetadataException e) {
            throw new UsageException("Portcullis setting 'idpMetadata': " + e.getMessage() + " (judged at " + at + ")", e);
        }
    }

    /**
     * @param idp             what the valve would trust
     * @param source          where it was read
     * @param signatureChecked whether idpMetadataSigningCertificate verified it
     */
    record LoadedIdp(IdpMetadata idp, String source, boolean signatureChecked) {
    }
}
