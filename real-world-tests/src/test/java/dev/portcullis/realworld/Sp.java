package dev.portcullis.realworld;

/**
 * A service provider the suites talk to over HTTP: Portcullis in an embedded Tomcat ({@link EmbeddedSp})
 * or in a stock Tomcat distribution ({@link StockTomcat}), with the sample webapp at {@code /sample}.
 */
interface Sp extends AutoCloseable {

    /** {@code http://localhost:PORT} + path, as the browser and the IdP reach it. */
    String url(String path);

    /** The Assertion Consumer Service URL. */
    String acsUrl();

    /** The Single Logout URL. */
    String sloUrl();

    /** The text of a log file of Portcullis's ({@code portcullis.log}, {@code portcullis-audit.log}), or "". */
    String log(String name);

    @Override
    void close();
}
