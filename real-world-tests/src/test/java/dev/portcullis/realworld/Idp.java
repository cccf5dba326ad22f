package dev.portcullis.realworld;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real SAML IdP started by its script in scripts/ (docs/REAL-IDPS.md), configured for one SP: its
 * entityID, ACS URL and the certificate it must sign AuthnRequests with. {@link #close()} stops it.
 */
final class Idp implements AutoCloseable {

    /** The IdPs the project can run here, and the text each shows on a refused password. */
    enum Kind {
        KEYCLOAK("keycloak.sh", Duration.ofMinutes(6), "Invalid username or password"),
        SIMPLESAMLPHP("simplesamlphp.sh", Duration.ofMinutes(3), "Incorrect username or password");

        final String script;
        final Duration startTimeout;
        final String wrongPasswordText;

        Kind(String script, Duration startTimeout, String wrongPasswordText) {
            this.script = script;
            this.startTimeout = startTimeout;
            this.wrongPasswordText = wrongPasswordText;
        }
    }

    /** PORTCULLIS_IDP_SIGNING: what the IdP signs. */
    enum Signing { ASSERTION, RESPONSE, BOTH }

    /** PORTCULLIS_IDP_NAMEID: what the NameID carries. */
    enum NameId { USERNAME, EMAIL }

    private final Script script;
    private final String metadataUrl;

    private Idp(Script script, String metadataUrl) {
        this.script = script;
        this.metadataUrl = metadataUrl;
    }

    /**
     * Starts the IdP (stopping an instance a previous run may have left) for the SP at
     * {@code spBaseUrl}, whose endpoints are {@code <spBaseUrl>/sso/metadata} (entityID) and
     * {@code /sso/acs}.
     */
    static Idp start(Kind kind, String spBaseUrl, Path spCertificate, Signing signing, NameId nameId) {
        Script script = Script.of(kind.script, Map.of(
                "PORTCULLIS_SP_ENTITY_ID", spBaseUrl + "/sso/metadata",
                "PORTCULLIS_SP_ACS_URL", spBaseUrl + "/sso/acs",
                "PORTCULLIS_SP_CERT", spCertificate.toString(),
                "PORTCULLIS_IDP_SIGNING", signing.name().toLowerCase(java.util.Locale.ROOT),
                "PORTCULLIS_IDP_NAMEID", nameId.name().toLowerCase(java.util.Locale.ROOT)));
        script.run(Duration.ofSeconds(60), "stop");
        Script.Output started = script.run(kind.startTimeout, "start");
        return new Idp(script, started.required("IdP metadata:"));
    }

    /** The metadata URL the valve is pointed at; the valve fetches it itself. */
    String metadataUrl() {
        return metadataUrl;
    }

    /** scheme://host:port of the IdP: every page of its login flow is under it. */
    String origin() {
        URI uri = URI.create(metadataUrl);
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    @Override
    public void close() {
        script.run(Duration.ofSeconds(60), "stop");
    }
}
