package dev.portcullis.realworld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SAML IdP started by its script in scripts/ (docs/REAL-IDPS.md), configured for one SP: its
 * entityID, ACS and Single Logout URLs and the certificate it must check the SP's signatures with
 * (and encrypt for, when asked to).
 *
 * <p>Starting Keycloak costs 12 to 30 s, so an IdP is shared by every suite of the test run: {@link
 * #running(Settings)} returns the instance already running when its settings are the ones asked for,
 * and restarts it otherwise. The suites are ordered so that those with the same settings follow each
 * other (the {@code @Order} of each class, see src/test/resources/junit-platform.properties), and all
 * embedded SPs use the same port and key pair ({@link RealWorld#spPort()}, {@link SpKeys#shared()}) so
 * that their settings can be equal. Whatever is still running is stopped when the test JVM exits (and by
 * scripts/real-world-tests.sh after that, whatever happened).
 */
final class Idp {

    /** The IdPs the project can run here, with what differs between them. */
    enum Kind {
        KEYCLOAK("keycloak.sh", Duration.ofMinutes(6), "Invalid username or password",
                "/realms/portcullis/protocol/saml", Signing.BOTH),
        SIMPLESAMLPHP("simplesamlphp.sh", Duration.ofMinutes(3), "Incorrect username or password",
                "/saml2/idp/SingleLogoutService.php", Signing.ASSERTION);

        final String script;
        final Duration startTimeout;
        final String wrongPasswordText;
        /** Path of the IdP's SingleLogoutService, as its metadata publishes it. */
        final String sloPath;
        /**
         * A signing setting under which the IdP signs its LogoutRequests and LogoutResponses, which
         * Portcullis requires. Keycloak signs them only when it signs the whole Response too ("Sign
         * documents", saml.server.signature); SimpleSAMLphp signs them in every setting (sign.logout).
         */
        final Signing signsLogout;

        Kind(String script, Duration startTimeout, String wrongPasswordText, String sloPath, Signing signsLogout) {
            this.script = script;
            this.startTimeout = startTimeout;
            this.wrongPasswordText = wrongPasswordText;
            this.sloPath = sloPath;
            this.signsLogout = signsLogout;
        }
    }

    /** PORTCULLIS_IDP_SIGNING: what the IdP signs. */
    enum Signing { ASSERTION, RESPONSE, BOTH }

    /** PORTCULLIS_IDP_NAMEID: what the NameID carries. */
    enum NameId { USERNAME, EMAIL }

    /**
     * PORTCULLIS_KEYCLOAK_LOGOUT: how Keycloak tells the SP that a session ended there, through the
     * browser (FRONT) or with its own HTTP client (BACK). SimpleSAMLphp always uses the browser.
     */
    enum LogoutChannel { FRONT, BACK }

    /**
     * Everything the IdP's script is given. The SP's endpoints are {@code <spBaseUrl>/sso/metadata}
     * (its entityID), {@code /sso/acs} and {@code /sso/slo}.
     *
     * @param encrypt PORTCULLIS_IDP_ENCRYPT: assertions encrypted for the key of {@code spCertificate}
     */
    record Settings(Kind kind, String spBaseUrl, Path spCertificate, Signing signing, NameId nameId, boolean encrypt,
                    LogoutChannel logout) {

        /**
         * The IdP's default setup: assertions signed, NameID = user name, nothing encrypted, logout
         * through the browser.
         */
        static Settings of(Kind kind, String spBaseUrl, Path spCertificate) {
            return new Settings(kind, spBaseUrl, spCertificate, Signing.ASSERTION, NameId.USERNAME, false, LogoutChannel.FRONT);
        }

        Settings signing(Signing value) {
            return new Settings(kind, spBaseUrl, spCertificate, value, nameId, encrypt, logout);
        }

        Settings nameId(NameId value) {
            return new Settings(kind, spBaseUrl, spCertificate, signing, value, encrypt, logout);
        }

        Settings encrypted(boolean value) {
            return new Settings(kind, spBaseUrl, spCertificate, signing, nameId, value, logout);
        }

        Settings logout(LogoutChannel value) {
            return new Settings(kind, spBaseUrl, spCertificate, signing, nameId, encrypt, value);
        }

        Map<String, String> environment() {
            return Map.of(
                    "PORTCULLIS_SP_ENTITY_ID", spBaseUrl + "/sso/metadata",
                    "PORTCULLIS_SP_ACS_URL", spBaseUrl + "/sso/acs",
                    "PORTCULLIS_SP_SLO_URL", spBaseUrl + "/sso/slo",
                    "PORTCULLIS_SP_CERT", spCertificate.toString(),
                    "PORTCULLIS_IDP_SIGNING", signing.name().toLowerCase(Locale.ROOT),
                    "PORTCULLIS_IDP_NAMEID", nameId.name().toLowerCase(Locale.ROOT),
                    "PORTCULLIS_IDP_ENCRYPT", Boolean.toString(encrypt),
                    "PORTCULLIS_KEYCLOAK_LOGOUT", logout.name().toLowerCase(Locale.ROOT));
        }
    }

    /** The instance of each kind this JVM started and has not stopped; guarded by Idp.class. */
    private static final Map<Kind, Idp> RUNNING = new EnumMap<>(Kind.class);
    private static boolean stopAtExit;
    /** How the scripts name the server log on their last line: "... (pid 123, log /path/to/file)". */
    private static final Pattern LOG_LINE = Pattern.compile("\\(pid \\d+, log (\\S+)\\)");

    private final Settings settings;
    private final Script script;
    private final String metadataUrl;
    private final Path log;

    private Idp(Settings settings, Script script, String metadataUrl, Path log) {
        this.settings = settings;
        this.script = script;
        this.metadataUrl = metadataUrl;
        this.log = log;
    }

    /**
     * The IdP of {@code settings.kind()} running with exactly these settings: the one already running if
     * it has them, else a new start (stopping the previous instance, or one a previous run may have left).
     */
    static synchronized Idp running(Settings settings) {
        Idp current = RUNNING.get(settings.kind());
        if (current != null && current.settings.equals(settings) && current.alive()) {
            System.out.println("== reusing " + settings.kind().script + " as started for " + describe(settings));
            return current;
        }
        Script script = Script.of(settings.kind().script, settings.environment());
        System.out.println("== " + settings.kind().script + " for " + describe(settings));
        script.run(Duration.ofSeconds(60), "stop");
        RUNNING.remove(settings.kind());
        Script.Output started = script.run(settings.kind().startTimeout, "start");
        Matcher logLine = LOG_LINE.matcher(started.text());
        if (!logLine.find()) {
            throw new IllegalStateException("no log file named in:\n" + started.text());
        }
        Idp idp = new Idp(settings, script, started.required("IdP metadata:"), Path.of(logLine.group(1)));
        RUNNING.put(settings.kind(), idp);
        if (!stopAtExit) {
            stopAtExit = true;
            Runtime.getRuntime().addShutdownHook(new Thread(Idp::stopAll, "stop the real IdPs"));
        }
        return idp;
    }

    /**
     * The IdP of {@code fallback.kind()} already running, whatever its SAML settings, or else one started with
     * {@code fallback}: for suites that use only what every setup has in common, such as Keycloak's OpenID
     * Connect client, so that they never cost a restart.
     */
    static synchronized Idp runningAny(Settings fallback) {
        Idp current = RUNNING.get(fallback.kind());
        if (current != null && current.alive()) {
            System.out.println("== reusing " + fallback.kind().script + " as started for " + describe(current.settings));
            return current;
        }
        return running(fallback);
    }

    /** Stops every IdP this JVM started. */
    static synchronized void stopAll() {
        for (Idp idp : RUNNING.values()) {
            try {
                idp.script.run(Duration.ofSeconds(60), "stop");
            } catch (RuntimeException e) {
                System.out.println("could not stop " + idp.settings.kind().script + ": " + e.getMessage());
            }
        }
        RUNNING.clear();
    }

    private boolean alive() {
        try {
            script.run(Duration.ofSeconds(30), "status");
            return true;
        } catch (IllegalStateException notRunning) {
            return false;
        }
    }

    private static String describe(Settings settings) {
        return settings.spBaseUrl() + ", signing " + settings.signing() + ", NameID " + settings.nameId()
                + (settings.encrypt() ? ", encrypted" : "")
                + (settings.kind() == Kind.KEYCLOAK ? ", logout through the " + settings.logout() + " channel" : "");
    }

    Settings settings() {
        return settings;
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

    /** The IdP's SingleLogoutService URL. */
    String sloUrl() {
        return origin() + settings.kind().sloPath;
    }

    /** What the IdP has logged since it started (the script's log file). */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the IdP log " + log, e);
        }
    }
}
