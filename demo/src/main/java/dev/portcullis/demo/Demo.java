package dev.portcullis.demo;

import java.util.concurrent.CountDownLatch;

/**
 * The one-command demo: the development IdP on http://localhost:8081 and Tomcat on
 * http://localhost:8080 with {@code dev.portcullis.SsoValve} in its Host, in front of the sample webapp
 * at {@code /sample}; with {@code --oidc}, the development OIDC provider on that port instead, and the
 * valve set to {@code protocol="oidc"}. Keys are generated afresh on every start. Ports: {@code --port=N},
 * {@code --idp-port=N} (see {@link DemoOptions}). Ctrl-C stops both servers.
 *
 * <p>Run it with {@code scripts/demo.sh}, or after a build with
 * {@code java -cp 'demo/target/classes:demo/target/lib/*' dev.portcullis.demo.Demo}.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws InterruptedException {
        DemoOptions options;
        RunningDemo demo;
        try {
            options = DemoOptions.parse(args, System.getProperties());
            demo = RunningDemo.start(options);
        } catch (IllegalArgumentException | DemoStartException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            System.out.println("Portcullis demo stopped.");
            stopped.countDown();
        }, "portcullis-demo-shutdown"));

        System.out.println();
        System.out.println("Portcullis demo is running" + (options.oidc() ? " over OpenID Connect (protocol=\"oidc\")." : "."));
        System.out.println("  Open      " + demo.baseUrl() + "/sample/");
        System.out.println("  Sign in   alice / alice (roles user, admin) or bob / bob (role user)");
        if (options.oidc()) {
            System.out.println("  Sign out  the sample's Sign out link (" + demo.baseUrl() + "/sso/logout), which also ends the"
                    + " session at the provider (RP-initiated logout); back-channel logout: the provider's"
                    + " \"sign ... out everywhere\" buttons");
            System.out.println("  Provider  " + demo.oidcProvider().issuer() + "/  (development OIDC provider: demos and tests"
                    + " only, never in production)");
            System.out.println("  Files     " + options.workDir() + " (throwaway key and client secret, recreated on every start)");
        } else {
            System.out.println("  Sign out  the sample's Sign out link (" + demo.baseUrl() + "/sso/logout), also at the IdP;"
                    + " IdP-initiated: " + demo.idp().logoutUrl("alice"));
            System.out.println("  IdP       " + demo.idp().baseUrl() + "/  (development IdP: demos and tests only, never in production)");
            System.out.println("  Files     " + options.workDir() + " (throwaway keys, recreated on every start)");
        }
        System.out.println("  Ctrl-C to stop.");
        System.out.println();
        stopped.await();
    }
}
