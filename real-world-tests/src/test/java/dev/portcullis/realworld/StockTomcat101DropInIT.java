package dev.portcullis.realworld;

/** {@link StockTomcatDropInTests} on Apache Tomcat 10.1.59, the older supported line. */
class StockTomcat101DropInIT extends StockTomcatDropInTests {

    @Override
    String version() {
        return "10.1.59";
    }
}
