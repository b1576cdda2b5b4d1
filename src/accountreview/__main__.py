from accountreview.cli import main

main()
