package dev.chokepoint.bench.job;

import org.apache.flink.configuration.Configuration;

import java.io.File;

/** The MiniCluster settings every child job starts from: temp files under target/, no fixed port, loopback only. */
final class LocalCluster {

    private LocalCluster() {
    }

    static Configuration configuration() {
        Configuration conf = new Configuration();
        String tmp = System.getProperty("java.io.tmpdir");
        new File(tmp).mkdirs();
        conf.setString("io.tmp.dirs", tmp);
        conf.setString("rest.bind-address", "127.0.0.1");
        conf.setString("rest.address", "127.0.0.1");
        conf.setString("rest.bind-port", "0");
        conf.setString("rest.port", "0");
        return conf;
    }
}
