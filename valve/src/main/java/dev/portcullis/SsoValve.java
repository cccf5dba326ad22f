package dev.portcullis;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.crypto.Mac;

import jakarta.servlet.ServletException;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.logging.log4j.LogManager;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.engine.SsoEngine;
import dev.portcullis.config.Setting;
import dev.portcullis.config.Settings;
import dev.portcullis.config.SettingsBuilder;
import dev.portcullis.session.Caches;
import dev.portcullis.tomcat.AuthenticatorCaching;
import dev.portcullis.tomcat.JarScanExclusion;

/**
 * SAML 2.0 single sign-on for every webapp behind this valve. Placed in a {@code <Host>}, one sign-in
 * covers every webapp on the Host (the main use); placed in a {@code <Context>}, it protects that
 * webapp alone. Webapps need no change: they see the user through {@code getRemoteUser()},
 * {@code getUserPrincipal()}, {@code isUserInRole()} and their own {@code <security-constraint>}s.
 *
 * <pre>{@code
 * <Host name="localhost" appBase="webapps">
 *   <Valve className="dev.portcullis.SsoValve"
 *          externalBaseUrl="https://apps.example.com"
 *          idpMetadata="https://idp.example.com/metadata.xml"
 *          spKeystore="${catalina.base}/conf/portcullis-sp.p12"
 *          spKeystorePassword="${portcullis.keystore.password}"
 *          roleAttributes="groups"
 *          excludedPaths="/public/*, *.css"/>
 * </Host>
 * }</pre>
 *
 * <p>Every attribute is a {@link Setting}: its name, default and meaning are listed there and in the
 * README. Values are parsed when Tomcat sets them; an unknown attribute or a bad value is reported
 * when the valve starts, in one sentence naming the attribute, and the valve then refuses to start,
 * which stops its Host or Context: a misconfigured valve never serves a protected webapp
 * unprotected.
 *
 * <p>The valve itself is thin: {@link #startInternal()} builds an {@link SsoEngine} from the settings,
 * {@link #invoke} hands each request to it, {@link #stopInternal()} closes it.
 */
public class SsoValve extends ValveBase {

    static {
        // Tomcat creates a valve long before it starts it: Log4j's set-up and the loading of the libraries every
        // start needs run meanwhile, on a thread of their own. Until logging is ready nothing here logs, and
        // startInternal waits for it.
        Preparation.begin();
    }

    private final SettingsBuilder settings = new SettingsBuilder();
    private volatile SsoEngine engine;
    private volatile String startFailure;
    private AuthenticatorCaching authenticators;
    private Clock clock = Clock.systemUTC();

    public SsoValve() {
        super(true);
    }

    @Override
    public void setContainer(Container container) {
        super.setContainer(container);
        // Tomcat sets the container while it reads server.xml or context.xml, before any webapp there scans its JARs.
        JarScanExclusion.register(container);
    }

    /**
     * Tomcat calls this for an attribute that has no setter of its own. Any such attribute is a
     * mistake (most likely a typo of a real setting) and stops the valve at start.
     */
    public void setProperty(String name, String value) {
        settings.set(name, value);
    }

    /** @see Setting#EXTERNAL_BASE_URL */
    public String getExternalBaseUrl() {
        return settings.get(Setting.EXTERNAL_BASE_URL);
    }

    public void setExternalBaseUrl(String value) {
        settings.set(Setting.EXTERNAL_BASE_URL, value);
    }

    /** @see Setting#SP_ENTITY_ID */
    public String getSpEntityId() {
        return settings.get(Setting.SP_ENTITY_ID);
    }

    public void setSpEntityId(String value) {
        settings.set(Setting.SP_ENTITY_ID, value);
    }

    /** @see Setting#SP_KEYSTORE */
    public String getSpKeystore() {
        return settings.get(Setting.SP_KEYSTORE);
    }

    public void setSpKeystore(String value) {
        settings.set(Setting.SP_KEYSTORE, value);
    }

    /** @see Setting#SP_KEYSTORE_PASSWORD */
    public String getSpKeystorePassword() {
        return settings.get(Setting.SP_KEYSTORE_PASSWORD);
    }

    public void setSpKeystorePassword(String value) {
        settings.set(Setting.SP_KEYSTORE_PASSWORD, value);
    }

    /** @see Setting#SP_KEY_ALIAS */
    public String getSpKeyAlias() {
        return settings.get(Setting.SP_KEY_ALIAS);
    }

    public void setSpKeyAlias(String value) {
        settings.set(Setting.SP_KEY_ALIAS, value);
    }

    /** @see Setting#SP_PRIVATE_KEY */
    public String getSpPrivateKey() {
        return settings.get(Setting.SP_PRIVATE_KEY);
    }

    public void setSpPrivateKey(String value) {
        settings.set(Setting.SP_PRIVATE_KEY, value);
    }

    /** @see Setting#SP_CERTIFICATE */
    public String getSpCertificate() {
        return settings.get(Setting.SP_CERTIFICATE);
    }

    public void setSpCertificate(String value) {
        settings.set(Setting.SP_CERTIFICATE, value);
    }

    /** @see Setting#IDP_METADATA */
    public String getIdpMetadata() {
        return settings.get(Setting.IDP_METADATA);
    }

    public void setIdpMetadata(String value) {
        settings.set(Setting.IDP_METADATA, value);
    }

    /** @see Setting#IDP_ENTITY_ID */
    public String getIdpEntityId() {
        return settings.get(Setting.IDP_ENTITY_ID);
    }

    public void setIdpEntityId(String value) {
        settings.set(Setting.IDP_ENTITY_ID, value);
    }

    /** @see Setting#PROTECTED_PATHS */
    public String getProtectedPaths() {
        return settings.get(Setting.PROTECTED_PATHS);
    }

    public void setProtectedPaths(String value) {
        settings.set(Setting.PROTECTED_PATHS, value);
    }

    /** @see Setting#EXCLUDED_PATHS */
    public String getExcludedPaths() {
        return settings.get(Setting.EXCLUDED_PATHS);
    }

    public void setExcludedPaths(String value) {
        settings.set(Setting.EXCLUDED_PATHS, value);
    }

    /** @see Setting#PRINCIPAL_ATTRIBUTE */
    public String getPrincipalAttribute() {
        return settings.get(Setting.PRINCIPAL_ATTRIBUTE);
    }

    public void setPrincipalAttribute(String value) {
        settings.set(Setting.PRINCIPAL_ATTRIBUTE, value);
    }

    /** @see Setting#ROLE_ATTRIBUTES */
    public String getRoleAttributes() {
        return settings.get(Setting.ROLE_ATTRIBUTES);
    }

    public void setRoleAttributes(String value) {
        settings.set(Setting.ROLE_ATTRIBUTES, value);
    }

    /** @see Setting#ROLE_MAPPING */
    public String getRoleMapping() {
        return settings.get(Setting.ROLE_MAPPING);
    }

    public void setRoleMapping(String value) {
        settings.set(Setting.ROLE_MAPPING, value);
    }

    /** @see Setting#CLOCK_SKEW */
    public String getClockSkew() {
        return settings.get(Setting.CLOCK_SKEW);
    }

    public void setClockSkew(String value) {
        settings.set(Setting.CLOCK_SKEW, value);
    }

    /** @see Setting#MAX_RESPONSE_AGE */
    public String getMaxResponseAge() {
        return settings.get(Setting.MAX_RESPONSE_AGE);
    }

    public void setMaxResponseAge(String value) {
        settings.set(Setting.MAX_RESPONSE_AGE, value);
    }

    /** @see Setting#SESSION_IDLE_TIMEOUT */
    public String getSessionIdleTimeout() {
        return settings.get(Setting.SESSION_IDLE_TIMEOUT);
    }

    public void setSessionIdleTimeout(String value) {
        settings.set(Setting.SESSION_IDLE_TIMEOUT, value);
    }

    /** @see Setting#SESSION_MAX_LIFETIME */
    public String getSessionMaxLifetime() {
        return settings.get(Setting.SESSION_MAX_LIFETIME);
    }

    public void setSessionMaxLifetime(String value) {
        settings.set(Setting.SESSION_MAX_LIFETIME, value);
    }

    /** @see Setting#LOGIN_REQUEST_TIMEOUT */
    public String getLoginRequestTimeout() {
        return settings.get(Setting.LOGIN_REQUEST_TIMEOUT);
    }

    public void setLoginRequestTimeout(String value) {
        settings.set(Setting.LOGIN_REQUEST_TIMEOUT, value);
    }

    /** @see Setting#COOKIE_NAME */
    public String getCookieName() {
        return settings.get(Setting.COOKIE_NAME);
    }

    public void setCookieName(String value) {
        settings.set(Setting.COOKIE_NAME, value);
    }

    /** @see Setting#SIGN_AUTHN_REQUESTS */
    public String getSignAuthnRequests() {
        return settings.get(Setting.SIGN_AUTHN_REQUESTS);
    }

    public void setSignAuthnRequests(String value) {
        settings.set(Setting.SIGN_AUTHN_REQUESTS, value);
    }

    /** @see Setting#WANT_ASSERTIONS_SIGNED */
    public String getWantAssertionsSigned() {
        return settings.get(Setting.WANT_ASSERTIONS_SIGNED);
    }

    public void setWantAssertionsSigned(String value) {
        settings.set(Setting.WANT_ASSERTIONS_SIGNED, value);
    }

    /** @see Setting#ALLOW_UNSOLICITED_RESPONSES */
    public String getAllowUnsolicitedResponses() {
        return settings.get(Setting.ALLOW_UNSOLICITED_RESPONSES);
    }

    public void setAllowUnsolicitedResponses(String value) {
        settings.set(Setting.ALLOW_UNSOLICITED_RESPONSES, value);
    }

    /** @see Setting#MAX_RESPONSE_SIZE */
    public String getMaxResponseSize() {
        return settings.get(Setting.MAX_RESPONSE_SIZE);
    }

    public void setMaxResponseSize(String value) {
        settings.set(Setting.MAX_RESPONSE_SIZE, value);
    }

    /** @see Setting#NAME_ID_FORMAT */
    public String getNameIdFormat() {
        return settings.get(Setting.NAME_ID_FORMAT);
    }

    public void setNameIdFormat(String value) {
        settings.set(Setting.NAME_ID_FORMAT, value);
    }

    /** @see Setting#DEFAULT_LANDING_PATH */
    public String getDefaultLandingPath() {
        return settings.get(Setting.DEFAULT_LANDING_PATH);
    }

    public void setDefaultLandingPath(String value) {
        settings.set(Setting.DEFAULT_LANDING_PATH, value);
    }

    /** @see Setting#ENDPOINT_PATH */
    public String getEndpointPath() {
        return settings.get(Setting.ENDPOINT_PATH);
    }

    public void setEndpointPath(String value) {
        settings.set(Setting.ENDPOINT_PATH, value);
    }

    /** @see Setting#EXPOSE_ATTRIBUTES */
    public String getExposeAttributes() {
        return settings.get(Setting.EXPOSE_ATTRIBUTES);
    }

    public void setExposeAttributes(String value) {
        settings.set(Setting.EXPOSE_ATTRIBUTES, value);
    }

    /** @see Setting#EHCACHE_CONFIG */
    public String getEhcacheConfig() {
        return settings.get(Setting.EHCACHE_CONFIG);
    }

    public void setEhcacheConfig(String value) {
        settings.set(Setting.EHCACHE_CONFIG, value);
    }

    /** @see Setting#LOG_CONFIG */
    public String getLogConfig() {
        return settings.get(Setting.LOG_CONFIG);
    }

    public void setLogConfig(String value) {
        settings.set(Setting.LOG_CONFIG, value);
    }

    /** @see Setting#ALLOW_SHA1 */
    public String getAllowSha1() {
        return settings.get(Setting.ALLOW_SHA1);
    }

    public void setAllowSha1(String value) {
        settings.set(Setting.ALLOW_SHA1, value);
    }

    /** @see Setting#SP_SECONDARY_KEY_ALIAS */
    public String getSpSecondaryKeyAlias() {
        return settings.get(Setting.SP_SECONDARY_KEY_ALIAS);
    }

    public void setSpSecondaryKeyAlias(String value) {
        settings.set(Setting.SP_SECONDARY_KEY_ALIAS, value);
    }

    /** @see Setting#SP_SECONDARY_PRIVATE_KEY */
    public String getSpSecondaryPrivateKey() {
        return settings.get(Setting.SP_SECONDARY_PRIVATE_KEY);
    }

    public void setSpSecondaryPrivateKey(String value) {
        settings.set(Setting.SP_SECONDARY_PRIVATE_KEY, value);
    }

    /** @see Setting#SP_SECONDARY_CERTIFICATE */
    public String getSpSecondaryCertificate() {
        return settings.get(Setting.SP_SECONDARY_CERTIFICATE);
    }

    public void setSpSecondaryCertificate(String value) {
        settings.set(Setting.SP_SECONDARY_CERTIFICATE, value);
    }

    /** @see Setting#WANT_ASSERTIONS_ENCRYPTED */
    public String getWantAssertionsEncrypted() {
        return settings.get(Setting.WANT_ASSERTIONS_ENCRYPTED);
    }

    public void setWantAssertionsEncrypted(String value) {
        settings.set(Setting.WANT_ASSERTIONS_ENCRYPTED, value);
    }

    /** @see Setting#ALLOW_RSA15_KEY_TRANSPORT */
    public String getAllowRsa15KeyTransport() {
        return settings.get(Setting.ALLOW_RSA15_KEY_TRANSPORT);
    }

    public void setAllowRsa15KeyTransport(String value) {
        settings.set(Setting.ALLOW_RSA15_KEY_TRANSPORT, value);
    }

    /** @see Setting#FORCE_AUTHN */
    public String getForceAuthn() {
        return settings.get(Setting.FORCE_AUTHN);
    }

    public void setForceAuthn(String value) {
        settings.set(Setting.FORCE_AUTHN, value);
    }

    /** @see Setting#PASSIVE */
    public String getPassive() {
        return settings.get(Setting.PASSIVE);
    }

    public void setPassive(String value) {
        settings.set(Setting.PASSIVE, value);
    }

    /** @see Setting#REQUESTED_AUTHN_CONTEXT */
    public String getRequestedAuthnContext() {
        return settings.get(Setting.REQUESTED_AUTHN_CONTEXT);
    }

    public void setRequestedAuthnContext(String value) {
        settings.set(Setting.REQUESTED_AUTHN_CONTEXT, value);
    }

    /** @see Setting#AUTHN_CONTEXT_COMPARISON */
    public String getAuthnContextComparison() {
        return settings.get(Setting.AUTHN_CONTEXT_COMPARISON);
    }

    public void setAuthnContextComparison(String value) {
        settings.set(Setting.AUTHN_CONTEXT_COMPARISON, value);
    }

    /** @see Setting#STEP_UP_PATHS */
    public String getStepUpPaths() {
        return settings.get(Setting.STEP_UP_PATHS);
    }

    public void setStepUpPaths(String value) {
        settings.set(Setting.STEP_UP_PATHS, value);
    }

    /** @see Setting#STEP_UP_AUTHN_CONTEXT */
    public String getStepUpAuthnContext() {
        return settings.get(Setting.STEP_UP_AUTHN_CONTEXT);
    }

    public void setStepUpAuthnContext(String value) {
        settings.set(Setting.STEP_UP_AUTHN_CONTEXT, value);
    }

    /** @see Setting#STEP_UP_FORCE_AUTHN */
    public String getStepUpForceAuthn() {
        return settings.get(Setting.STEP_UP_FORCE_AUTHN);
    }

    public void setStepUpForceAuthn(String value) {
        settings.set(Setting.STEP_UP_FORCE_AUTHN, value);
    }

    /** @see Setting#IDENTITY_HEADERS */
    public String getIdentityHeaders() {
        return settings.get(Setting.IDENTITY_HEADERS);
    }

    public void setIdentityHeaders(String value) {
        settings.set(Setting.IDENTITY_HEADERS, value);
    }

    /** @see Setting#IDP_METADATA_REFRESH_INTERVAL */
    public String getIdpMetadataRefreshInterval() {
        return settings.get(Setting.IDP_METADATA_REFRESH_INTERVAL);
    }

    public void setIdpMetadataRefreshInterval(String value) {
        settings.set(Setting.IDP_METADATA_REFRESH_INTERVAL, value);
    }

    /** @see Setting#IDP_METADATA_SIGNING_CERTIFICATE */
    public String getIdpMetadataSigningCertificate() {
        return settings.get(Setting.IDP_METADATA_SIGNING_CERTIFICATE);
    }

    public void setIdpMetadataSigningCertificate(String value) {
        settings.set(Setting.IDP_METADATA_SIGNING_CERTIFICATE, value);
    }

    /** @see Setting#IDP_METADATA_BACKUP */
    public String getIdpMetadataBackup() {
        return settings.get(Setting.IDP_METADATA_BACKUP);
    }

    public void setIdpMetadataBackup(String value) {
        settings.set(Setting.IDP_METADATA_BACKUP, value);
    }

    /** @see Setting#SINGLE_LOGOUT */
    public String getSingleLogout() {
        return settings.get(Setting.SINGLE_LOGOUT);
    }

    public void setSingleLogout(String value) {
        settings.set(Setting.SINGLE_LOGOUT, value);
    }

    /** @see Setting#LOGOUT_LANDING_PATH */
    public String getLogoutLandingPath() {
        return settings.get(Setting.LOGOUT_LANDING_PATH);
    }

    public void setLogoutLandingPath(String value) {
        settings.set(Setting.LOGOUT_LANDING_PATH, value);
    }

    /** @see Setting#INVALIDATE_WEBAPP_SESSIONS */
    public String getInvalidateWebappSessions() {
        return settings.get(Setting.INVALIDATE_WEBAPP_SESSIONS);
    }

    public void setInvalidateWebappSessions(String value) {
        settings.set(Setting.INVALIDATE_WEBAPP_SESSIONS, value);
    }

    /** For tests: the clock every time check reads. */
    void setClock(Clock clock) {
        this.clock = clock;
    }

    @Override
    protected void startInternal() throws LifecycleException {
        Container container = getContainer();
        String contextPath = container instanceof Context context ? context.getPath() : "";
        Preparation.awaitLogging();
        try {
            Settings built = settings.build(contextPath);
            LogConfiguration.apply(built.logConfig().orElse(null), SsoValve.class.getClassLoader());
            engine = SsoEngine.start(built, clock, SsoValve.class.getClassLoader(), container);
            authenticators = AuthenticatorCaching.watch(container);
        } catch (ConfigurationException e) {
            startFailure = e.getMessage();
            LogManager.getLogger(SsoValve.class).error("{} Portcullis will not start, and {} will not serve requests until this is fixed.",
                    e.getMessage(), container == null ? "its container" : container.getName());
            throw new LifecycleException(e.getMessage(), e);
        }
        super.startInternal();
    }

    @Override
    protected void stopInternal() throws LifecycleException {
        super.stopInternal();
        if (authenticators != null) {
            authenticators.release();
            authenticators = null;
        }
        SsoEngine running = engine;
        engine = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        SsoEngine running = engine;
        if (running == null) {
            // Not started (or stopping): refuse rather than let the request through unprotected.
            response.sendError(503);
            return;
        }
        running.handle(request, response, getNext());
    }

    /** Why the last start failed, or null; for tests in this package. */
    String startFailure() {
        return startFailure;
    }

    /** The running engine, for tests in this package. */
    SsoEngine engine() {
        return engine;
    }

    /**
     * What every start needs and no setting changes, begun when the class loads: Portcullis's Log4j
     * context with its built-in configuration (before any logger exists, so Log4j never falls back to
     * "no configuration found"), then, as a warm-up, the classes of Ehcache and Apache Santuario, which
     * otherwise take most of a start.
     */
    static final class Preparation {

        private static final CompletableFuture<Void> LOGGING = new CompletableFuture<>();

        private Preparation() {
        }

        static void begin() {
            // One thread: on a small machine a second one would only compete with Tomcat's own start.
            Thread thread = new Thread(() -> {
                logging();
                warmUp();
            }, "portcullis-preparation");
            thread.setDaemon(true);
            thread.setContextClassLoader(SsoValve.class.getClassLoader());
            thread.start();
        }

        private static void logging() {
            try {
                LogConfiguration.initialize();
                LOGGING.complete(null);
            } catch (RuntimeException | LinkageError e) {
                LOGGING.completeExceptionally(e);
            }
        }

        /** Waits until Portcullis's logging is set up. */
        static void awaitLogging() throws LifecycleException {
            try {
                LOGGING.get(2, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                throw new LifecycleException("Portcullis could not set up its logging: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new LifecycleException("Portcullis's logging was not set up within 2 minutes", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifecycleException("interrupted while Portcullis's logging was being set up", e);
            }
        }

        /**
         * Best effort: loads the classes a start needs by doing what it does once, with nothing kept:
         * the caches as built-in defaults make them, Santuario's initialisation, the JCA services for
         * keys, certificates and HMAC. Whatever fails here fails again, with its real cause and the
         * setting that matters, in the start itself.
         */
        private static void warmUp() {
            try {
                Caches.start(null, Clock.systemUTC(), Duration.ofMinutes(30), SsoValve.class.getClassLoader()).close();
                org.apache.xml.security.Init.init();
                KeyFactory.getInstance("RSA");
                CertificateFactory.getInstance("X.509");
                Mac.getInstance("HmacSHA256");
            } catch (RuntimeException | LinkageError | GeneralSecurityException ignored) {
                // Only a warm-up.
            }
        }
    }

    /** Where Log4j reads Portcullis's logging configuration. */
    static final class LogConfiguration {

        private static final String BUILT_IN_NAME = "portcullis-default";

        private LogConfiguration() {
        }

        private static URI builtIn() {
            try {
                return SsoValve.class.getResource("portcullis-log4j2-default.xml").toURI();
            } catch (java.net.URISyntaxException | NullPointerException e) {
                throw new IllegalStateException("the built-in logging configuration is missing from the Portcullis JAR", e);
            }
        }

        /** Gives Portcullis's logger context the built-in configuration unless one is already in place. */
        static void initialize() {
            // Log4j's own start-up chatter (such as the relocated copy's note that it cannot look up caller
            // classes, which LogProperties makes irrelevant) stays out of catalina.out; errors still show.
            org.apache.logging.log4j.status.StatusLogger.getLogger().getFallbackListener()
                    .setLevel(org.apache.logging.log4j.Level.ERROR);
            org.apache.logging.log4j.core.config.Configurator.initialize(BUILT_IN_NAME, SsoValve.class.getClassLoader(),
                    builtIn());
        }

        /**
         * Applies the operator's configuration: the logConfig setting, else
         * $CATALINA_BASE/conf/portcullis-log4j2.xml, else the built-in console configuration.
         */
        static void apply(Path configured, ClassLoader classLoader) {
            Path file = configured;
            if (file == null) {
                String base = System.getProperty("catalina.base");
                Path candidate = base == null ? null : Path.of(base, "conf", "portcullis-log4j2.xml");
                if (candidate != null && Files.isReadable(candidate)) {
                    file = candidate;
                }
            }
            org.apache.logging.log4j.core.LoggerContext context =
                    (org.apache.logging.log4j.core.LoggerContext) LogManager.getContext(classLoader, false);
            if (file != null) {
                if (!Files.isReadable(file)) {
                    throw new ConfigurationException(Setting.LOG_CONFIG.attribute(), "cannot read " + file + ".");
                }
                context.setConfigLocation(file.toUri());
            } else if (context.getConfiguration() instanceof org.apache.logging.log4j.core.config.DefaultConfiguration) {
                context.setConfigLocation(builtIn());
            }
        }
    }
}
