<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>LegendPanel</name>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n repair(s) made; Save writes them: </source>
        <translation>
            <numerusform>%n repair made; Save writes it: </numerusform>
            <numerusform>%n repairs made; Save writes them: </numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OptimiseDialog</name>
    <message numerus="yes">
        <source>%n territory(s)</source>
        <translation>
            <numerusform>%n territory</numerusform>
            <numerusform>%n territories</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PerformancePanel</name>
    <message numerus="yes">
        <source>%n candidate(s) for the redesign.</source>
        <translation>
            <numerusform>%n candidate for the redesign.</numerusform>
            <numerusform>%n candidates for the redesign.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message numerus="yes">
        <source>%n unit(s)</source>
        <translation>
            <numerusform>%n unit</numerusform>
            <numerusform>%n units</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n account(s)</source>
        <translation>
            <numerusform>%n account</numerusform>
            <numerusform>%n accounts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n problem</numerusform>
            <numerusform>%n problems</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message numerus="yes">
        <source>Apply %n change(s)</source>
        <translation>
            <numerusform>Apply %n change</numerusform>
            <numerusform>Apply %n changes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Apply %n change(s) from {workbook}</source>
        <translation>
            <numerusform>Apply %n change from {workbook}</numerusform>
            <numerusform>Apply %n changes from {workbook}</numerusform>
        </translation>
    </message>
</context>
</TS>
