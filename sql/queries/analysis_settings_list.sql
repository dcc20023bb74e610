-- analysis_settings_list: the analysis settings (0009_analysis.sql).
--
-- No parameters. Result: key, value, default_value, description (text),
-- one row per setting, by key.
SELECT key, value, default_value, description
FROM analysis_settings
ORDER BY key;
