package dev.portcullis.fuzz;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Clock;

import dev.portcullis.SsoValve;
import dev.portcullis.testkit.TestCredentials;

/**
 * The valve suite's own {@code dev.portcullis.EmbeddedTomcat} (two webapps that print what the
 * servlet API says about the user, throwaway IdP metadata on disk), with the valve at Host level and
 * a fixed clock. That class and {@code SsoValve.setClock} are package-private in {@code
 * dev.portcullis}, which the fuzz tests must not change, so this adapter reaches them by reflection;
 * should they become accessible, it shrinks to plain calls.
 */
final class TomcatWithValve implements AutoCloseable {

    private final AutoCloseable tomcat;
    private final Method url;
    final String idpEntityId;
    final String idpSsoUrl;

    TomcatWithValve(TestCredentials idpKey, TestCredentials spKey, Clock clock) throws ReflectiveOperationException {
        Class<?> type = Class.forName("dev.portcullis.EmbeddedTomcat");
        Constructor<?> constructor = type.getDeclaredConstructor(TestCredentials.class, TestCredentials.class);
        constructor.setAccessible(true);
        this.tomcat = (AutoCloseable) construct(constructor, idpKey, spKey);
        this.url = accessible(type.getDeclaredMethod("url", String.class));
        this.idpEntityId = (String) accessibleField(type, "IDP_ENTITY");
        this.idpSsoUrl = (String) accessibleField(type, "IDP_SSO");
        SsoValve valve = (SsoValve) invoke(accessible(type.getDeclaredMethod("valve")), tomcat);
        invoke(accessible(SsoValve.class.getDeclaredMethod("setClock", Clock.class)), valve, clock);
        // Every mutant starts a sign-in from 127.0.0.1 under a clock that does not move: the per-address limit on
        // sign-in starts (tested in SignInRateLimitTest) would answer 429 after the first hundred.
        valve.setProperty("signInRateLimit", "off");
        invoke(accessible(type.getDeclaredMethod("start", SsoValve.class)), tomcat, valve);
    }

    /** {@code http://localhost:<port><path>} */
    String url(String path) throws ReflectiveOperationException {
        return (String) invoke(url, tomcat, path);
    }

    @Override
    public void close() throws Exception {
        tomcat.close();
    }

    private static Object invoke(Method method, Object target, Object... args) throws ReflectiveOperationException {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw new ReflectiveOperationException(method.getName() + " failed: " + cause, cause);
            }
            throw e;
        }
    }

    private static Object construct(Constructor<?> constructor, Object... args) throws ReflectiveOperationException {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new ReflectiveOperationException("EmbeddedTomcat could not be created: " + e.getCause(), e.getCause());
        }
    }

    private static Method accessible(Method method) {
        method.setAccessible(true);
        return method;
    }

    private static Object accessibleField(Class<?> type, String name) throws ReflectiveOperationException {
        var field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(null);
    }
}
