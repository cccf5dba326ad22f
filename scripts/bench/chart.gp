# gnuplot -e "data='OUTDIR/chart.dat'; output='docs/performance-overhead.png'" scripts/bench/chart.gp
# Bars: medians over the alternating rounds; whiskers: the lowest and highest round, so the noise of a
# shared machine is visible rather than hidden.
set terminal pngcairo size 1500,520 font "DejaVu Sans,11"
set output output
set multiplot layout 1,3 title "Portcullis valve, embedded Tomcat 11, trivial servlet, keep-alive on loopback (wrk; median of rounds, whiskers min-max)"
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key below horizontal
set yrange [0:*]
set xtics scale 0
set xrange [-0.6:1.6]
set title "Throughput, 8 connections (requests/s)"
plot data using 2:3:4:xtic(1) title "without valve" lc rgb "#8c8c8c", \
     '' using 5:6:7 title "with valve" lc rgb "#1f5fa8"
set title "Server CPU per request (us), lower is better"
plot data using 8:9:10:xtic(1) title "without valve" lc rgb "#8c8c8c", \
     '' using 11:12:13 title "with valve" lc rgb "#1f5fa8"
set title "Median latency, 1 connection (us), lower is better"
plot data using 14:15:16:xtic(1) title "without valve" lc rgb "#8c8c8c", \
     '' using 17:18:19 title "with valve" lc rgb "#1f5fa8"
unset multiplot
