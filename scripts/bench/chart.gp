# gnuplot -e "data='OUTDIR/chart.dat'; output='docs/performance-overhead.png'" scripts/bench/chart.gp
set terminal pngcairo size 1100,480 font "DejaVu Sans,11"
set output output
set multiplot layout 1,2 title "Portcullis valve: Tomcat 11 trivial servlet over keep-alive on loopback (wrk, medians of alternating rounds)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top right
set yrange [0:*]
set title "Throughput (8 connections), requests/s"
plot data using 2:xtic(1) title "without valve" lc rgb "#8c8c8c", \
     '' using 3 title "with valve" lc rgb "#1f5fa8", \
     '' using 0:2:(sprintf("%.0f",$2)) with labels offset -2.2,0.7 notitle, \
     '' using 0:3:(sprintf("%.0f",$3)) with labels offset 2.2,0.7 notitle
set title "Median latency (1 connection), microseconds"
plot data using 4:xtic(1) title "without valve" lc rgb "#8c8c8c", \
     '' using 5 title "with valve" lc rgb "#1f5fa8", \
     '' using 0:4:(sprintf("%.0f",$4)) with labels offset -2.2,0.7 notitle, \
     '' using 0:5:(sprintf("%.0f",$5)) with labels offset 2.2,0.7 notitle
unset multiplot
